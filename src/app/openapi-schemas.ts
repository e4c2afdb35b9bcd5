import type { OpenAPIObject } from '@nestjs/swagger';

type Schema = { $ref?: string; type?: string; nullable?: boolean; allOf?: Schema[]; [key: string]: unknown };

/**
 * A nullable reference comes out of the generator as `{ nullable, allOf: [$ref] }` without a `type`, which OpenAPI 3.0
 * requires beside `nullable`: copy the type of the schema it refers to (an enum's `string`, an object's `object`).
 */
export function tidySchemas(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const typeOf = (schema: Schema): string | undefined =>
    schema.type ??
    (schema.$ref ? schemas[schema.$ref.split('/').at(-1)!]?.type : undefined) ??
    schema.allOf?.map(typeOf).find(Boolean);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const schema = node as Schema;
    if (schema.nullable && !schema.type) {
      const type = typeOf(schema);
      if (type) schema.type = type;
    }
    Object.values(schema).forEach(visit);
  };
  visit(document.paths);
  visit(schemas);
}
