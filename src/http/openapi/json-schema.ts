/**
 * A JSON Schema (draft 2020-12, as OpenAPI 3.1 embeds it) as plain data: what the OpenAPI
 * documents are built from. Values are JSON values; nothing here validates.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A reference to `#/components/schemas/<name>`. */
export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/**
 * `schema` that also admits JSON `null`: its `type` gains `"null"` (and its `enum` a `null`), or,
 * for a reference or a composed schema, it becomes one branch of `anyOf`.
 */
export function orNull(schema: JsonSchema): JsonSchema {
  const type = schema['type'];
  if (typeof type === 'string') {
    const out: Record<string, unknown> = { ...schema, type: [type, 'null'] };
    if (Array.isArray(schema['enum'])) out['enum'] = [...(schema['enum'] as unknown[]), null];
    return out;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/** `schema` with a `description`, when there is one to give. */
export const described = (schema: JsonSchema, description: string | undefined): JsonSchema =>
  description === undefined || description === '' ? schema : { ...schema, description };
