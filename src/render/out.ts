import type { ScalarType, ScalarValue } from '../catalog/types.js';

/**
 * A rendered resource, independent of the wire format: ordered, typed fields. The XML and
 * JSON serializers both walk this tree, so the two formats can never disagree on content.
 */
export type OutNode =
  | { readonly t: ScalarType; readonly v: ScalarValue | null }
  | { readonly t: 'object'; readonly v: OutObject | null }
  | { readonly t: 'array'; readonly item: string; readonly v: readonly OutObject[] }
  /** A list of texts, each in an `item` element in XML (`<errors type="array"><error>…</error></errors>`). */
  | { readonly t: 'texts'; readonly item: string; readonly v: readonly string[] };

export interface OutObject {
  /** Element name of the object itself (`user`, `role`). */
  readonly tag: string;
  readonly fields: ReadonlyArray<readonly [string, OutNode]>;
}

/** Coupa prints datetimes to the second with their offset: `2016-06-30T07:51:11Z`. */
export function formatDatetime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}
