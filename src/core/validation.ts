// Input validation with zod, in the hub's error vocabulary: a ValidationError naming every bad
// field (the HTTP layer turns it into a 400 with details). Pure, so the routes of the hub and
// of every connector share it.
import type { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors.ts';

/** Every problem in a zod error, as {field, message} with the field's dotted path (under prefix). */
export function zodProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
    }
    return [{ field: base || 'body', message: issue.message }];
  });
}

/** Parses with a zod schema, or throws a ValidationError naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(zodProblems(result.error, prefix));
  return result.data;
}

/**
 * A zod superRefine for a field mapping: no field on either side mapped twice, each repeat
 * named at its own index and side (e.g. `fieldMapping.3.hint: maps email twice`).
 */
export function eachFieldOnce<Side extends string>(sides: readonly Side[]) {
  return (rules: Record<Side, string>[], ctx: z.RefinementCtx): void => {
    const seen = new Map(sides.map((side) => [side, new Set<string>()]));
    rules.forEach((rule, index) => {
      for (const side of sides) {
        if (seen.get(side)!.has(rule[side]))
          ctx.addIssue({ code: 'custom', path: [index, side], message: `maps ${rule[side]} twice` });
        seen.get(side)!.add(rule[side]);
      }
    });
  };
}
