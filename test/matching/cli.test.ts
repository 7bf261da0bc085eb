// `tandem match` end to end: real files in, CSV out, through the real CLI entry point.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvObjects, parseCsv } from '../../src/cli/match/csv.ts';
import { splitFullName } from '../../src/cli/match/columns.ts';
import { recordsFromCsv } from '../../src/cli/match/records.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/tandem.js');
const dir = mkdtempSync(path.join(tmpdir(), 'tandem-match-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('csv', () => {
  it('reads quotes, doubled quotes, embedded newlines and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi""\nthere"\r\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });

  it('splits a whole name when a file has no name columns of its own', () => {
    expect(splitFullName('Smith, Robert James')).toEqual({ first: 'Robert', middle: 'James', last: 'Smith' });
    expect(splitFullName('Dr Robert James  Smith')).toEqual({ first: 'Robert', middle: 'James', last: 'Smith' });
    expect(splitFullName('Mary Jones')).toEqual({ first: 'Mary', middle: null, last: 'Jones' });
    expect(splitFullName('Cher')).toEqual({ first: null, middle: null, last: 'Cher' });
    const parsed = recordsFromCsv('id,Full Name,dob\n1,"Jones, Mary Ann",1980-04-05\n', 'x.csv');
    expect(parsed.records[0]).toMatchObject({ firstName: 'Mary', middleName: 'Ann', lastName: 'Jones' });
    expect(parsed.renamedColumns).toContain('Full Name → first_name, middle_name, last_name (split)');
    const both = recordsFromCsv('id,name,first_name,last_name\n1,Whoever,Mary,Jones\n', 'y.csv');
    expect(both.records[0]).toMatchObject({ firstName: 'Mary', lastName: 'Jones' });
    expect(both.ignoredColumns).toEqual(['name']);
  });

  it('reads tab- and semicolon-separated exports by their header line', () => {
    expect(csvObjects('\ufeffid\tfirst_name\n1\tAnn, Marie\n').records).toEqual([
      { id: '1', first_name: 'Ann, Marie' },
    ]);
    expect(csvObjects('id;last_name\n2;"O;Neil"\n').records).toEqual([{ id: '2', last_name: 'O;Neil' }]);
    expect(csvObjects('id\n3\n').records).toEqual([{ id: '3' }]);
  });
});

describe('tandem match', () => {
  const a = write(
    'a.csv',
    'id,first_name,last_name,dob,phone,address_line1,city,state,postcode\n1,Robert,Smith,1980-04-23,0412 345 678,"Unit 3, 12 Smith Street",Newtown,NSW,2042\n2,Ann,Lee,1990-01-01,,,Perth,WA,6000\n',
  );
  const b = write(
    'b.csv',
    'id,first_name,last_name,dob,phone,address_line1,city,state,postcode,notes\nx,Bob,SMITH,23/04/1980,+61 412 345 678,3/12 Smith St,Newtown,New South Wales,2042,hi\n',
  );

  it('links two files and writes pairs with explanations', () => {
    const out = path.join(dir, 'pairs.csv');
    const run = spawnSync(process.execPath, [bin, 'match', '--a', a, '--b', b, '--out', out, '--explain'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('ignoring unknown columns: notes');
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header?.slice(0, 6)).toEqual(['a_id', 'b_id', 'score', 'decision', 'probability', 'guards']);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.slice(0, 2)).toEqual(['1', 'x']);
    expect(rows[0]?.[3]).toBe('match');
    expect(rows[0]?.[header?.indexOf('first_name') ?? -1]).toMatch(/^nickname or alias \(\+/);
  });

  it('finds duplicates in one file', () => {
    const f = write(
      'f.csv',
      'id,first_name,last_name,dob,email\n1,Elizabeth,Jones,1975-07-03,liz@example.com\n2,Liz,Jones,03/07/1975,liz@example.com\n3,Tom,Brown,1960-02-02,\n',
    );
    const stdout = execFileSync(process.execPath, [bin, 'match', '--dedupe', f, '--quiet'], { encoding: 'utf8' });
    expect(parseCsv(stdout).map((r) => r.slice(0, 2).concat(r[3] ?? ''))).toEqual([
      ['a_id', 'b_id', 'decision'],
      ['1', '2', 'match'],
    ]);
  });

  it("reads other lists' column names (FEBRL's, a CRM export's) as the same columns, and says so", () => {
    const febrl = write(
      'febrl.csv',
      'rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id\n' +
        'rec-1-org,robert,smith,12,smith street,unit 3,newtown,2042,nsw,19800423,1234567\n' +
        'rec-2-org,ann,lee,,,,perth,6000,wa,19900101,7654321\n',
    );
    const crm = write(
      'crm.csv',
      'Record ID,First Name,Last Name,Birth Date,Mobile,Street,Suburb,Zip,Gender\n' +
        'c1,Bob,SMITH,23/04/1980,0412 345 678,12 Smith St,Newtown,2042,M\n',
    );
    const run = spawnSync(process.execPath, [bin, 'match', '--a', febrl, '--b', crm, '--explain'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('given_name → first_name');
    expect(run.stderr).toContain('street_number → address_line1 (in front)');
    expect(run.stderr).toContain('Birth Date → dob');
    expect(run.stderr).toContain('ignoring unknown columns: soc_sec_id');
    const [header, ...rows] = parseCsv(run.stdout);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([['rec-1-org', 'c1']]);
    // The house number went in front of the street: the addresses agree.
    expect(rows[0]?.[header?.indexOf('address_line1') ?? -1]).not.toMatch(/^missing/);
    expect(rows[0]?.[header?.indexOf('dob') ?? -1]).toMatch(/^exact/);
  });

  it('reads the date order and the country from the data when they are clear, and says so', () => {
    // 04/05/1980 is 5 April here: 12/25/1971 can only be month first, and the states are American.
    const us = write(
      'us.csv',
      'id,first_name,last_name,dob,phone,state,postcode\n' +
        'u1,Mary,Jones,04/05/1980,(415) 555-0134,CA,94110\n' +
        'u2,Joe,Brown,12/25/1971,,NY,10001\n',
    );
    const iso = write(
      'iso.csv',
      'id,first_name,last_name,dob,phone,state,postcode\nv1,Mary,Jones,1980-04-05,+1 415 555 0134,CA,94110\n',
    );
    const run = spawnSync(process.execPath, [bin, 'match', '--a', us, '--b', iso, '--explain'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('read from the data: --country US');
    expect(run.stderr).toContain('read from the data: --date-order MDY');
    const [header, ...rows] = parseCsv(run.stdout);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([['u1', 'v1']]);
    expect(rows[0]?.[header?.indexOf('dob') ?? -1]).toMatch(/^exact/);
    expect(rows[0]?.[header?.indexOf('phone') ?? -1]).toMatch(/^exact/);
    // Told otherwise, the run takes the user's word.
    const told = spawnSync(process.execPath, [bin, 'match', '--a', us, '--b', iso, '--date-order', 'DMY'], {
      encoding: 'utf8',
    });
    expect(told.stderr).not.toContain('--date-order MDY');
  });

  it('explains bad input and changes nothing', () => {
    const noId = write('noid.csv', 'first_name\nBob\n');
    const run = spawnSync(process.execPath, [bin, 'match', '--dedupe', noId], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no "id" column');
    const both = spawnSync(process.execPath, [bin, 'match', '--a', a], { encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--a and --b go together');
  });
});

describe('tandem match --dedupe --clusters', () => {
  it('writes every record with its cluster, the matches being the pairs inside clusters', () => {
    const f = write(
      'fam.csv',
      'id,first_name,last_name,dob,email\n1,Elizabeth,Jones,1975-07-03,liz@example.com\n2,Liz,Jones,03/07/1975,liz@example.com\n3,Beth,JONES,19750703,liz@example.com\n4,Tom,Brown,1960-02-02,\n',
    );
    const clusters = path.join(dir, 'clusters.csv');
    const run = spawnSync(
      process.execPath,
      [bin, 'match', '--dedupe', f, '--clusters', clusters, '--precision', '0.999'],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/3 matches, 0 reviews \(0\.0 per 100 records\), 1 clusters of 2\+ records/);
    expect(parseCsv(readFileSync(clusters, 'utf8'))).toEqual([
      ['id', 'cluster_id'],
      ['1', '1'],
      ['2', '1'],
      ['3', '1'],
      ['4', '4'],
    ]);
    const pairs = parseCsv(run.stdout).slice(1);
    expect(pairs.map((r) => [r[0], r[1], r[3]]).sort()).toEqual([
      ['1', '2', 'match'],
      ['1', '3', 'match'],
      ['2', '3', 'match'],
    ]);
  });

  it('refuses a precision that is not a probability, and --clusters when linking', () => {
    const f = write('one.csv', 'id,first_name\n1,Bob\n');
    const bad = spawnSync(process.execPath, [bin, 'match', '--dedupe', f, '--precision', '1.5'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--precision');
    const linking = spawnSync(process.execPath, [bin, 'match', '--a', f, '--b', f, '--clusters', 'x.csv'], {
      encoding: 'utf8',
    });
    expect(linking.status).toBe(2);
    expect(linking.stderr).toContain('--clusters goes with --dedupe');
  });
});
