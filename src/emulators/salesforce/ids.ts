// Salesforce record ids: 15 case-sensitive base-62 characters (3-character key prefix first),
// or the 18-character case-insensitive form whose last three characters encode, for each
// 5-character chunk, which letters are upper case (digest §3, checked against real ids).
import type { Random } from '../shared/random.ts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += SUFFIX[bits];
  }
  return out;
}

/** The 18-character form of a 15- or 18-character id, or undefined when it is not id-shaped. */
export function to18(id: string): string | undefined {
  if (!ID_SHAPE.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  const full = id15 + checksum(id15);
  // An 18-character input must carry the right suffix (compared case-insensitively, as Salesforce does).
  if (id.length === 18 && id.slice(15).toUpperCase() !== full.slice(15)) return undefined;
  return full;
}

export function to15(id18: string): string {
  return id18.slice(0, 15);
}

/** A new 18-character id: key prefix, the org's two-character pod, "000", a 7-digit base-62 serial. */
export function newRecordId(prefix: string, pod: string, serial: number): string {
  let tail = '';
  let n = serial;
  for (let i = 0; i < 7; i++) {
    tail = BASE62[n % 62] + tail;
    n = Math.floor(n / 62);
  }
  const id15 = `${prefix}${pod}000${tail}`;
  return id15 + checksum(id15);
}

export function randomToken(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[Math.floor(random() * 62)];
  return out;
}
