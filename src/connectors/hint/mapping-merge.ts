// Field-level merge between Tandem and Hint. The snapshot holds, per Hint field, the value
// both sides last agreed on (in wire form). A side "changed" a field when its value differs
// from the snapshot; when both changed it differently, the connection's policy decides
// (default: the most recent change wins; Hint always wins the fields it owns).
import { createHash } from 'node:crypto';
import { readsFromHint, writesToHint, type FieldRule } from './mapping-fields.ts';
import type { Wire } from './mapping.ts';

export type Snapshot = Record<string, Wire>;
export type ConflictPolicy = 'latest' | 'hint' | 'tandem';

const isEmpty = (v: Wire | undefined) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

export const same = (a: Wire | undefined, b: Wire | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A stable hash of wire values, to recognise our own writes coming back. */
export function hashValues(values: Snapshot): string {
  const keys = Object.keys(values).sort();
  return createHash('sha256')
    .update(JSON.stringify(keys.map((k) => [k, values[k] ?? null])))
    .digest('base64url')
    .slice(0, 32);
}

export interface InboundMergeInput {
  rules: FieldRule[];
  snapshot: Snapshot | null;
  hint: Map<FieldRule, Wire>;
  /** Tandem's current values; undefined entries cannot be expressed in Hint (skipped). */
  tandem: Map<FieldRule, Wire | undefined>;
  hintIsNewer: boolean;
  policy: ConflictPolicy;
}

export interface InboundMergeResult {
  /** Values to write into the canonical record. */
  toTandem: Map<FieldRule, Wire>;
  snapshot: Snapshot;
  /** Tandem holds values Hint lacks (it won a conflict, or a push is still due). */
  needsPush: boolean;
  conflicts: string[];
}

function hintWins(rule: FieldRule, input: InboundMergeInput): boolean {
  if (rule.direction === 'fromHint') return true;
  if (input.policy === 'hint') return true;
  if (input.policy === 'tandem') return false;
  return input.hintIsNewer;
}

/** Hint sent a version of the record: decide, field by field, what Tandem takes. */
export function mergeInbound(input: InboundMergeInput): InboundMergeResult {
  const snapshot: Snapshot = { ...(input.snapshot ?? {}) };
  const toTandem = new Map<FieldRule, Wire>();
  const conflicts: string[] = [];
  let needsPush = false;
  for (const rule of input.rules) {
    if (rule.direction === 'readOnly') continue;
    const h = input.hint.get(rule) ?? null;
    const t = input.tandem.get(rule);
    const known = input.snapshot !== null && rule.hint in input.snapshot;
    const base = input.snapshot?.[rule.hint];
    snapshot[rule.hint] = h;
    if (!readsFromHint(rule.direction)) {
      if (t !== undefined && !same(t, h)) needsPush = true;
      continue;
    }
    const hintChanged = !known || !same(h, base);
    const tandemChanged = t !== undefined && (!known || !same(t, base));
    if (!hintChanged) {
      if (tandemChanged && writesToHint(rule.direction)) needsPush = true;
      continue;
    }
    if (!tandemChanged || same(t, h)) {
      if (!same(t, h)) toTandem.set(rule, h);
      continue;
    }
    // First meeting (no base yet): an empty value never erases a filled one; each fills the other's gap.
    if (!known && isEmpty(h)) {
      if (writesToHint(rule.direction)) needsPush = true;
      continue;
    }
    if (!known && isEmpty(t)) {
      toTandem.set(rule, h);
      continue;
    }
    conflicts.push(rule.canonical);
    if (hintWins(rule, input)) toTandem.set(rule, h);
    else if (writesToHint(rule.direction)) needsPush = true;
  }
  return { toTandem, snapshot, needsPush, conflicts };
}

/** Tandem changed: which fields to write to Hint (those differing from what Hint last held). */
export function planOutbound(
  rules: FieldRule[],
  snapshot: Snapshot | null,
  tandem: Map<FieldRule, Wire | undefined>,
): Map<FieldRule, Wire> {
  const out = new Map<FieldRule, Wire>();
  for (const rule of rules) {
    if (!writesToHint(rule.direction)) continue;
    const t = tandem.get(rule);
    if (t === undefined) continue;
    if (snapshot && rule.hint in snapshot && same(t, snapshot[rule.hint])) continue;
    out.set(rule, t);
  }
  return out;
}
