/** The simplest value that satisfies a JSON Schema: what the sandbox model answers by default. */
type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

export function sampleFromSchema(schema: unknown): unknown {
  const s = (schema ?? {}) as Schema;
  if (s.const !== undefined) return s.const;
  if (s.enum && s.enum.length > 0) return s.enum[0];
  const union = s.anyOf ?? s.oneOf;
  if (union && union.length > 0) {
    const nonNull = union.find((u) => u.type !== 'null') ?? union[0];
    return sampleFromSchema(nonNull);
  }
  if (s.allOf && s.allOf.length > 0)
    return Object.assign({}, ...s.allOf.map((p) => sampleFromSchema(p)));
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : s.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, sampleFromSchema(v)]),
      );
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => sampleFromSchema(s.items));
    case 'string':
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'integer':
    case 'number': {
      if (s.minimum !== undefined) return s.minimum;
      if (s.exclusiveMinimum !== undefined)
        return type === 'integer' ? s.exclusiveMinimum + 1 : s.exclusiveMinimum + 0.5;
      return 0;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return s.properties ? sampleFromSchema({ ...s, type: 'object' }) : null;
  }
}
