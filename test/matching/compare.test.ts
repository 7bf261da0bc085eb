import { describe, expect, it } from 'vitest';
import { MISSING } from '../../src/core/matching/compare/fields.ts';
import { jaro, jaroWinkler, withinOneEdit } from '../../src/core/matching/compare/jaro-winkler.ts';
import {
  compareAddresses,
  compareDates,
  compareEmails,
  compareFirstNames,
  compareLastNames,
  compareMedicare,
  compareMiddleNames,
  comparePhones,
  comparePostcodes,
} from '../../src/core/matching/compare/levels.ts';
import { phoneticKey } from '../../src/core/matching/compare/phonetic.ts';
import { normalizeAddress } from '../../src/core/matching/normalize/addresses.ts';
import { prepareRecord } from '../../src/core/matching/prepare.ts';
import { seededRandom } from '../../src/core/random.ts';

describe('jaro-winkler', () => {
  it('matches the published reference values', () => {
    expect(jaro('martha', 'marhta')).toBeCloseTo(0.944, 3);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
  });
  it('handles equal, empty and disjoint strings', () => {
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('', 'abc')).toBe(0);
    expect(jaroWinkler('', '')).toBe(0);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
  it('with a floor, gives the exact score at or above it and only lower scores below it', () => {
    // Strings over a small alphabet, so that pairs near every threshold occur.
    const random = seededRandom(17);
    const word = () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => 'abcdeiorst'[Math.floor(random() * 10)]).join('');
    for (let k = 0; k < 20_000; k++) {
      const a = word();
      const b = random() < 0.5 ? word() : a.slice(0, -1) + word().slice(0, 2);
      const exact = jaroWinkler(a, b);
      for (const floor of [0.75, 0.8, 0.88, 0.9, 0.92]) {
        const bounded = jaroWinkler(a, b, floor);
        if (exact >= floor) expect(bounded).toBe(exact);
        else expect(bounded).toBeLessThan(floor);
      }
    }
  });
  it('tells one-edit neighbours', () => {
    expect(withinOneEdit('0412345678', '0412345679')).toBe(true); // substitution
    expect(withinOneEdit('0412345678', '0412354678')).toBe(true); // transposition
    expect(withinOneEdit('smith', 'smth')).toBe(true); // deletion
    expect(withinOneEdit('smith', 'smiths')).toBe(true); // insertion
    expect(withinOneEdit('smith', 'smyht')).toBe(false);
  });
});

describe('phonetic key', () => {
  it('gives sound-alike names one key', () => {
    expect(phoneticKey('catherine')).toBe(phoneticKey('katherine'));
    expect(phoneticKey('smith')).toBe(phoneticKey('smyth'));
    expect(phoneticKey('philips')).toBe(phoneticKey('fillips'));
    expect(phoneticKey('smith')).not.toBe(phoneticKey('jones'));
    expect(phoneticKey('')).toBe('');
  });
});

const person = (fields: Record<string, string>) => prepareRecord({ id: 'x', ...fields });

describe('comparison levels', () => {
  it('ranks first names: exact, nickname, spelling, sound or initial, different', () => {
    const level = (a: string, b: string) => {
      const pa = person({ firstName: a });
      const pb = person({ firstName: b });
      return compareFirstNames(pa.first, pb.first, pa.firstAliases, pb.firstAliases);
    };
    expect(level('Robert', 'ROBERT')).toBe(0);
    expect(level('Bob', 'Robert')).toBe(1);
    expect(level('Jonathon', 'Jonathan')).toBe(2);
    expect(level('J', 'John')).toBe(3);
    expect(level('Robert', 'Michael')).toBe(4);
    expect(level('', 'Michael')).toBe(MISSING);
  });
  it('reads two initials that agree as initials, not as one name (P. and P. may be Paul and Peter)', () => {
    const first = (a: string, b: string) => {
      const pa = person({ firstName: a });
      const pb = person({ firstName: b });
      return compareFirstNames(pa.first, pb.first, pa.firstAliases, pb.firstAliases);
    };
    expect(first('P', 'p')).toBe(3);
    expect(first('P', 'B')).toBe(4);
    const middle = (a: string, b: string) =>
      compareMiddleNames(person({ middleName: a }).middle, person({ middleName: b }).middle);
    expect(middle('J', 'j')).toBe(1);
    expect(middle('James', 'JAMES')).toBe(0);
  });
  it('counts a middle or preferred name as an alias', () => {
    const a = prepareRecord({ id: 'a', firstName: 'Mary', middleName: 'Jane' });
    const b = prepareRecord({ id: 'b', firstName: 'Jane' });
    expect(compareFirstNames(a.first, b.first, a.firstAliases, b.firstAliases)).toBe(1);
  });
  it('ranks surnames, with one part of a double surname', () => {
    const level = (a: string, b: string) =>
      compareLastNames(person({ lastName: a }).last, person({ lastName: b }).last);
    expect(level('Smith-Jones', 'smith jones')).toBe(0);
    expect(level('Smith-Jones', 'Jones')).toBe(1);
    expect(level('Johnson', 'Jonhson')).toBe(2);
    expect(level('Smith', 'Nguyen')).toBe(4);
  });
  it('treats transposed day and month as a near miss', () => {
    expect(compareDates(19800403, 19800403)).toBe(0);
    expect(compareDates(19800403, 19800304)).toBe(1);
    expect(compareDates(19800403, 19810403)).toBe(2);
    expect(compareDates(19800403, 19650912)).toBe(3);
    expect(compareDates(0, 19650912)).toBe(MISSING);
  });
  it('compares phones across formats and with one digit off', () => {
    const phones = (p: string) => person({ phone: p }).phoneTails;
    expect(comparePhones(phones('0412 345 678'), phones('+61412345678'))).toBe(0);
    expect(comparePhones(phones('0412 345 678'), phones('0412 345 687'))).toBe(1);
    expect(comparePhones(phones('0412 345 678'), phones('0499 111 222'))).toBe(2);
  });
  it('compares emails, with the same mailbox at another provider as near', () => {
    const level = (a: string, b: string) => {
      const pa = person({ email: a });
      const pb = person({ email: b });
      return compareEmails(pa.emails, pb.emails, pa.emailLocals, pb.emailLocals);
    };
    expect(level('j.smith@gmail.com', 'JSmith@gmail.com')).toBe(0);
    expect(level('jsmith@gmail.com', 'jsmith@outlook.com')).toBe(1);
    expect(level('jsmith@gmail.com', 'jsmiht@gmail.com')).toBe(1);
    expect(level('jsmith@gmail.com', 'kate@example.com')).toBe(2);
    expect(level('', 'kate@example.com')).toBe(MISSING);
  });
  it('keeps neighbours apart: a different house or unit is not the same address', () => {
    const level = (a: string, b: string) => compareAddresses(normalizeAddress(a), normalizeAddress(b));
    expect(level('3/12 Smith St', 'Unit 3, 12 Smith Street')).toBe(0);
    expect(level('12 Smith St', '12 Smiht St')).toBe(1);
    expect(level('12 Smith St', 'Unit 4, 12 Smith St')).toBe(1);
    expect(level('12 Smith St', '14 Smith St')).toBe(2);
    expect(level('Unit 3, 12 Smith St', 'Unit 4, 12 Smith St')).toBe(2);
    expect(level('12 Smith St', '9 Jones Rd')).toBe(3);
  });
  it('compares postcodes and Medicare cards', () => {
    expect(comparePostcodes('2000', '2001')).toBe(1);
    expect(comparePostcodes('2000', '3000')).toBe(1);
    expect(comparePostcodes('2000', '3100')).toBe(2);
    const card = (irn: string | null) => ({ card: '212345670', irn });
    expect(compareMedicare(card('1'), card('1'))).toBe(0);
    expect(compareMedicare(card('1'), card(null))).toBe(1);
    expect(compareMedicare(card('1'), card('2'))).toBe(2);
    expect(compareMedicare(card('1'), { card: '312345670', irn: '1' })).toBe(3);
  });
});
