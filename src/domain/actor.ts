/** Who is making a change: stamped into created-by / updated-by when it is a user. */
export interface Actor {
  /** Name of the API key or client, for logs. */
  readonly name: string;
  /** The user the credential acts as, if any. */
  readonly userId: number | null;
}
