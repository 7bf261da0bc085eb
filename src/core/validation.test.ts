import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { eachFieldOnce, parseOrThrow } from './validation.ts';

describe('eachFieldOnce', () => {
  const mapping = z
    .array(z.object({ canonical: z.string(), hint: z.string() }))
    .superRefine(eachFieldOnce(['canonical', 'hint']));

  it('accepts a mapping where every field appears once on each side', () => {
    const rules = [
      { canonical: 'email', hint: 'email' },
      { canonical: 'firstName', hint: 'first_name' },
    ];
    expect(parseOrThrow(mapping, rules)).toEqual(rules);
  });

  it('names each repeat at its own index and side', () => {
    const rules = [
      { canonical: 'email', hint: 'email' },
      { canonical: 'email', hint: 'first_name' },
      { canonical: 'lastName', hint: 'first_name' },
    ];
    let error: unknown;
    try {
      parseOrThrow(mapping, rules, 'fieldMapping');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: 'fieldMapping.1.canonical', message: 'maps email twice' },
      { field: 'fieldMapping.2.hint', message: 'maps first_name twice' },
    ]);
  });
});
