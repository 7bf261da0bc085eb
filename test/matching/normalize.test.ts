import { describe, expect, it } from 'vitest';
import {
  normalizeAddress,
  normalizeCountry,
  normalizePostcode,
  normalizeState,
} from '../../src/core/matching/normalize/addresses.ts';
import { formatDate, parseDate } from '../../src/core/matching/normalize/dates.ts';
import { normalizeEmail } from '../../src/core/matching/normalize/emails.ts';
import { medicareChecksumValid, normalizeMedicare } from '../../src/core/matching/normalize/identifiers.ts';
import { normalizeName } from '../../src/core/matching/normalize/names.ts';
import { normalizePhone } from '../../src/core/matching/normalize/phones.ts';
import { foldText } from '../../src/core/matching/normalize/text.ts';
import { areNicknames, NICKNAME_TABLE_SIZE } from '../../src/core/matching/nicknames.ts';

describe('names', () => {
  it('folds case, accents and punctuation', () => {
    expect(foldText('  JOSÉ  Müller-Lüdenscheidt ')).toBe('jose muller ludenscheidt');
    expect(normalizeName("O'Brien")?.key).toBe('obrien');
    expect(normalizeName('Zoë')?.key).toBe('zoe');
    expect(normalizeName('Straße')?.key).toBe('strasse');
  });
  it('keeps hyphenated and double surnames as tokens, and joins spaced prefixes', () => {
    expect(normalizeName('Smith-Jones')).toEqual({
      text: 'smith jones',
      key: 'smithjones',
      tokens: ['smith', 'jones'],
    });
    expect(normalizeName('Mc Donald')?.key).toBe(normalizeName('McDonald')?.key);
  });
  it('drops titles and generational suffixes but never the whole name', () => {
    expect(normalizeName('Dr. Jane Smith')?.text).toBe('jane smith');
    expect(normalizeName('Mrs Jones')?.text).toBe('jones');
    expect(normalizeName('John Smith Jr.')?.text).toBe('john smith');
    expect(normalizeName('Smith III')?.text).toBe('smith');
    expect(normalizeName('Miss')?.text).toBe('miss');
  });
  it('treats blanks as missing', () => {
    expect(normalizeName('  ')).toBeNull();
    expect(normalizeName(null)).toBeNull();
    expect(normalizeName('--')).toBeNull();
  });
  it('knows common nicknames, including names in several groups', () => {
    expect(areNicknames('bob', 'robert')).toBe(true);
    expect(areNicknames('liz', 'elizabeth')).toBe(true);
    expect(areNicknames('liz', 'beth')).toBe(true);
    expect(areNicknames('alex', 'alexandra')).toBe(true);
    expect(areNicknames('alex', 'alexander')).toBe(true);
    expect(areNicknames('bob', 'william')).toBe(false);
    expect(NICKNAME_TABLE_SIZE).toBeGreaterThan(300);
  });
});

describe('dates', () => {
  it('reads the formats met in the wild', () => {
    const expected = { y: 1980, m: 4, d: 23 };
    expect(parseDate('1980-04-23')).toEqual(expected);
    expect(parseDate('19800423')).toEqual(expected);
    expect(parseDate('23/04/1980')).toEqual(expected);
    expect(parseDate('23-04-1980')).toEqual(expected);
    expect(parseDate('04/23/1980')).toEqual(expected); // MM/DD: unambiguous because 23 > 12
    expect(parseDate('1980-04-23T00:00:00Z')).toEqual(expected);
    expect(parseDate('1980/4/23')).toEqual(expected);
  });
  it('reads ambiguous day/month by the preferred order', () => {
    expect(parseDate('03/04/1980')).toEqual({ y: 1980, m: 4, d: 3 });
    expect(parseDate('03/04/1980', 'MDY')).toEqual({ y: 1980, m: 3, d: 4 });
  });
  it('refuses impossible dates instead of guessing', () => {
    expect(parseDate('1980-02-30')).toBeNull();
    expect(parseDate('31/31/1980')).toBeNull();
    expect(parseDate('1900-02-29')).toBeNull();
    expect(parseDate('2000-02-29')).toEqual({ y: 2000, m: 2, d: 29 });
    expect(parseDate('yesterday')).toBeNull();
    expect(parseDate('')).toBeNull();
  });
  it('formats as ISO', () => {
    expect(formatDate({ y: 1980, m: 4, d: 3 })).toBe('1980-04-03');
  });
});

describe('phones', () => {
  it('normalises AU numbers to E.164', () => {
    expect(normalizePhone('0412 345 678', 'AU')).toBe('+61412345678');
    expect(normalizePhone('+61 412 345 678', 'AU')).toBe('+61412345678');
    expect(normalizePhone('(02) 9876 5432', 'AU')).toBe('+61298765432');
  });
  it('normalises US numbers to E.164', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('+1 415 555 2671', 'AU')).toBe('+14155552671');
  });
  it('keeps the digits of numbers it cannot validate, drops fragments', () => {
    expect(normalizePhone('0400 000 00', 'AU')).toBe('040000000');
    expect(normalizePhone('12345', 'AU')).toBeNull();
    expect(normalizePhone('', 'AU')).toBeNull();
  });
});

describe('emails', () => {
  it('folds case and removes what the provider ignores', () => {
    expect(normalizeEmail(' J.Smith+clinic@GMail.com ')).toBe('jsmith@gmail.com');
    expect(normalizeEmail('j.smith@googlemail.com')).toBe('jsmith@gmail.com');
    expect(normalizeEmail('j.smith+x@outlook.com')).toBe('j.smith@outlook.com');
    expect(normalizeEmail('j.smith+x@corp.example')).toBe('j.smith+x@corp.example');
  });
  it('rejects what is not an address', () => {
    expect(normalizeEmail('no-email')).toBeNull();
    expect(normalizeEmail('@example.com')).toBeNull();
    expect(normalizeEmail('a@localhost')).toBeNull();
  });
});

describe('addresses', () => {
  it('reduces street types and unit forms to one spelling', () => {
    const a = normalizeAddress('Unit 3, 12 Smith Street');
    const b = normalizeAddress('3/12 smith st.');
    expect(a).toEqual({ text: 'unit 3 12 smith st', number: '12', unit: '3', street: 'smith st' });
    expect(b).toEqual(a);
    expect(normalizeAddress('Apt 3 12 Smith St')?.text).toBe('unit 3 12 smith st');
    expect(normalizeAddress('12-14 North Road')?.text).toBe('12 n rd');
  });
  it('normalises postcodes, states and countries', () => {
    expect(normalizePostcode(' 2000 ')).toBe('2000');
    expect(normalizePostcode('94103-1234')).toBe('94103');
    expect(normalizeState('New South Wales')).toBe('nsw');
    expect(normalizeState('California')).toBe('ca');
    expect(normalizeState('VIC')).toBe('vic');
    expect(normalizeCountry('Australia')).toBe('AU');
    expect(normalizeCountry('usa')).toBe('US');
  });
});

describe('medicare', () => {
  // 2123 4567: 2·1 + 1·3 + 2·7 + 3·9 + 4·1 + 5·3 + 6·7 + 7·9 = 170, so the check digit is 0.
  const valid = '2123456701';
  it('checks the checksum', () => {
    expect(medicareChecksumValid(valid)).toBe(true);
    expect(medicareChecksumValid('2123456711')).toBe(false);
    expect(medicareChecksumValid('1123456701')).toBe(false);
  });
  it('reads spaced numbers, an appended IRN, and treats bad numbers as missing', () => {
    expect(normalizeMedicare('2123 45670 1', '2')).toEqual({ card: '212345670', irn: '2' });
    expect(normalizeMedicare('21234567013')).toEqual({ card: '212345670', irn: '3' });
    expect(normalizeMedicare('2123456711')).toBeNull();
    expect(normalizeMedicare('12')).toBeNull();
  });
});

describe('phone fast path', () => {
  it('gives what libphonenumber-js gives for the common AU and US shapes', async () => {
    const { parsePhoneNumberFromString } = await import('libphonenumber-js');
    const samples: [string, 'AU' | 'US'][] = [
      ['0412 345 678', 'AU'],
      ['0298765432', 'AU'],
      ['(03) 9123 4567', 'AU'],
      ['07 3123 4567', 'AU'],
      ['08 9123 4567', 'AU'],
      ['+61 412 345 678', 'AU'],
      ['+61 2 9876 5432', 'US'],
      ['(415) 555-2671', 'US'],
      ['212-555-0100', 'US'],
      ['+1 212 555 0100', 'AU'],
    ];
    for (const [raw, region] of samples) {
      expect(normalizePhone(raw, region)).toBe(parsePhoneNumberFromString(raw, region)?.number);
    }
  });
});
