/**
 * Payloads generated from the contract's own input schemas, so a test over "every field of every
 * channel" follows the contract when a channel or field is added: the leaves (numbers, strings, arrays,
 * through objects, arrays, unions, optional, nullable and default wrappers) and a valid payload with
 * one leaf set to a chosen value.
 */
import type { z } from 'zod';

/** One step from a schema into a part of it: an object key, the first array element, a union option. */
export type Step = { key: string } | { element: true } | { option: number };

export interface Leaf {
  kind: 'number' | 'string' | 'array';
  path: Step[];
  schema: z.ZodType;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  in?: z.ZodType;
  checks?: { _zod: { def: { check: string; minimum?: number } } }[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The field a path names, dotted as the dispatcher names it (array elements as 0). */
export function fieldOf(path: readonly Step[]): string {
  return path.flatMap((s) => ('key' in s ? [s.key] : 'element' in s ? ['0'] : [])).join('.');
}

/** Every number, string and array in a schema, each with the path that reaches it. */
export function leavesOf(schema: z.ZodType, path: Step[] = []): Leaf[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'number':
      return [{ kind: 'number', path, schema }];
    case 'string':
      return [{ kind: 'string', path, schema }];
    case 'optional':
    case 'default':
    case 'nullable':
      return leavesOf(def.innerType!, path);
    case 'pipe':
      return leavesOf(def.in!, path);
    case 'array':
      return [{ kind: 'array', path, schema }, ...leavesOf(def.element!, [...path, { element: true }])];
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, field]) => leavesOf(field, [...path, { key }]));
    case 'union':
      return def.options!.flatMap((option, i) => leavesOf(option, [...path, { option: i }]));
    default:
      return [];
  }
}

/** Strings that satisfy the fields with a pattern, by field name (the rest get plain letters). */
const STRING_HINTS: Readonly<Record<string, string>> = {
  pin: '123456',
  url: 'ws://10.0.0.2:35779',
  code: '4006381333931',
  walletCode: '4006381333931',
  badge: '0410000000028',
  uploadId: 'upload-0001',
};

function plainString(schema: z.ZodType, key: string | null): string {
  const { minLength, maxLength } = schema as unknown as { minLength: number | null; maxLength: number | null };
  const hinted = key !== null ? STRING_HINTS[key] : undefined;
  if (hinted !== undefined) return hinted;
  const text = 'sample text'.padEnd(minLength ?? 0, 'x');
  return maxLength === null ? text : text.slice(0, maxLength);
}

function smallestNumber(schema: z.ZodType): number {
  const { minValue } = schema as unknown as { minValue: number | null };
  const candidates = [minValue ?? 0, (minValue ?? 0) + 1, 0, 1];
  return candidates.find((n) => Number.isFinite(n) && schema.safeParse(n).success) ?? 1;
}

const ABSENT = Symbol('absent');

/**
 * A payload the schema accepts, with the leaf at `path` (if given) set to `value`: optional and
 * defaulted fields are left out unless the path goes through them, arrays hold one element on the
 * path and their minimum otherwise, a union takes the option the path names or its first.
 */
export function samplePayload(schema: z.ZodType, path?: readonly Step[], value?: unknown): unknown {
  const result = sample(schema, path, value, null);
  return result === ABSENT ? {} : result;
}

function sample(schema: z.ZodType, path: readonly Step[] | undefined, value: unknown, key: string | null): unknown {
  const def = defOf(schema);
  const onPath = path !== undefined;
  if (onPath && path.length === 0 && ['number', 'string', 'array'].includes(def.type)) return value;
  switch (def.type) {
    case 'number':
      return smallestNumber(schema);
    case 'string':
      return plainString(schema, key);
    case 'boolean':
      return false;
    case 'literal':
      return def.values![0];
    case 'enum':
      return Object.values(def.entries!)[0];
    case 'optional':
    case 'default':
      return onPath ? sample(def.innerType!, path, value, key) : ABSENT;
    case 'nullable':
      return onPath ? sample(def.innerType!, path, value, key) : null;
    case 'pipe':
      return sample(def.in!, path, value, key);
    case 'array': {
      const minimum = def.checks?.find((c) => c._zod.def.check === 'min_length')?._zod.def.minimum ?? 0;
      const first = path?.[0];
      const element = first && 'element' in first ? [sample(def.element!, path!.slice(1), value, key)] : [];
      while (element.length < minimum) element.push(sample(def.element!, undefined, undefined, key));
      return element;
    }
    case 'object': {
      const first = path?.[0];
      const out: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(def.shape!)) {
        const through = first && 'key' in first && first.key === name;
        const v = sample(field, through ? path!.slice(1) : undefined, value, name);
        if (v !== ABSENT) out[name] = v;
      }
      return out;
    }
    case 'union': {
      const first = path?.[0];
      if (first && 'option' in first) return sample(def.options![first.option], path!.slice(1), value, key);
      const options = def.options!.map((o) => sample(o, undefined, undefined, key));
      return options.find((o, i) => def.options![i].safeParse(o).success) ?? options[0];
    }
    default:
      return undefined;
  }
}
