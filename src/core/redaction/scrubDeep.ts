/**
 * A copy of a JSON-like value with every string — keys included — passed through `scrub`: the one deep
 * scrub, used for each MCP message the endpoint sends and each audit event before it is written.
 * Structure is preserved (arrays stay arrays, cycles stay cycles). An object with `toJSON` (a Date, a
 * SecretValue) is scrubbed as what it serialises to, so what is scrubbed is exactly what leaves.
 * Other objects are copied as plain objects of their own enumerable properties; other primitives are kept.
 */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  const seen = new Map<object, unknown>();
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return scrub(item);
    if (item === null || typeof item !== 'object') return item;
    const known = seen.get(item);
    if (known !== undefined) return known;
    const toJSON: unknown = (item as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return visit(toJSON.call(item));
    if (Array.isArray(item)) {
      const copy: unknown[] = [];
      seen.set(item, copy);
      for (const element of item) copy.push(visit(element));
      return copy;
    }
    const copy: Record<string, unknown> = {};
    seen.set(item, copy);
    for (const [key, element] of Object.entries(item)) copy[scrub(key)] = visit(element);
    return copy;
  };
  return visit(value) as T;
}
