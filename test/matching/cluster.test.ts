// Dedupe clusters: no chaining through a record that fits two people, matches exactly the
// pairs inside the clusters, decisions from the expected precision, review load on hard data.
import { describe, expect, it } from 'vitest';
import { dedupe, expectedPrecisionThreshold, linkSources, type MatchRecord } from '../../src/core/matching/index.ts';
import { attachToClusters, clusterRecords } from '../../src/core/matching/cluster.ts';
import { generateDedupeSet, generateLinkSet } from '../../bench/matcher-hard-data.ts';
import { scoreDedupe, scoreLink } from '../../bench/matcher-score.ts';

const home = {
  addressLine1: '12 Smith Street',
  city: 'Newtown',
  state: 'NSW',
  postcode: '2042',
  phone: '02 9555 1234',
};

describe('dedupe clusters', () => {
  it('does not chain two relatives through a record with no first name or birth date', () => {
    const records: MatchRecord[] = [
      { id: 'john1', firstName: 'John', lastName: 'Tschitrpig', dob: '1960-03-04', sex: 'M', ...home },
      { id: 'john2', firstName: 'John', lastName: 'Tschitrpig', dob: '04/03/1960', sex: 'M', ...home },
      { id: 'mary1', firstName: 'Mary', lastName: 'Tschitrpig', dob: '1962-11-20', sex: 'F', ...home },
      { id: 'mary2', firstName: 'Mary', lastName: 'Tschitrpig', dob: '20/11/1962', sex: 'F', ...home },
      // Fits either of them: same surname, address and landline, nothing of the person's own.
      { id: 'nobody', lastName: 'Tschitrpig', ...home },
    ];
    const result = dedupe(records, { guards: true });
    const sorted = result.clusters.map((c) => [...c].sort()).sort();
    expect(sorted).toEqual([
      ['john1', 'john2'],
      ['mary1', 'mary2'],
    ]);
    const nobody = result.pairs.filter((p) => p.aId === 'nobody' || p.bId === 'nobody');
    expect(nobody.every((p) => p.decision === 'review')).toBe(true);
    expect(result.clusterOf.get('nobody')).toBe('nobody');
  });

  it('writes as matches exactly the pairs inside the final clusters', () => {
    const { records } = generateDedupeSet('typical', 2, 600);
    const result = dedupe(records);
    const clusterOf = result.clusterOf;
    const matches = result.pairs.filter((p) => p.decision === 'match');
    for (const p of matches) expect(clusterOf.get(p.aId)).toBe(clusterOf.get(p.bId));
    const expected = result.clusters.reduce((n, c) => n + (c.length * (c.length - 1)) / 2, 0);
    expect(matches).toHaveLength(expected);
    for (const p of result.pairs.filter((x) => x.decision === 'review'))
      expect(clusterOf.get(p.aId)).not.toBe(clusterOf.get(p.bId));
    expect(clusterOf.size).toBe(records.length);
  });

  it('keeps twins and namesakes apart and leaves few reviews on held-out typical data', () => {
    const { records, truth } = generateDedupeSet('typical', 3, 1000);
    const result = dedupe(records);
    const score = scoreDedupe(
      result.pairs,
      records.map((r) => r.id),
      truth,
    );
    expect(score.cluster?.precision).toBeGreaterThanOrEqual(0.995);
    expect(score.cluster?.f1).toBeGreaterThanOrEqual(0.95);
    expect(score.reviewsPer100).toBeLessThanOrEqual(10);
    expect(result.stats.reviewsPer100).toBeCloseTo(score.reviewsPer100, 5);
  });
});

describe('namesakes in one household', () => {
  // Twenty people of two records each set the batch threshold (p ≈ 0.98).
  const SURNAMES = 'Abbot Bellamy Carrow Dunmore Ellery Fanshaw Garnet Holloway Ingram Jessop'.split(' ');
  const population: MatchRecord[] = [...SURNAMES, ...SURNAMES.map((s) => `${s}son`)].flatMap((last, i) => {
    const person = {
      firstName: 'Henry',
      lastName: last,
      dob: `19${50 + i}-03-0${1 + (i % 9)}`,
      sex: 'M',
      email: `henry.${last.toLowerCase()}@example.com`,
      addressLine1: `${i + 1} Long Road`,
      city: 'Ashfield',
      state: 'NSW',
      postcode: '2131',
    };
    return [
      { id: `a${i}`, ...person },
      { id: `b${i}`, ...person },
    ];
  });
  const rawell = { lastName: 'Rawell', ...home };
  const father: MatchRecord[] = [
    { id: 'sr1', firstName: 'Nicholas', dob: '1974-05-16', sex: 'M', email: 'nicholas.rawell@example.com', ...rawell },
    { id: 'sr2', firstName: 'Nicholas', dob: '16/05/1974', sex: 'M', ...rawell },
    { id: 'sr3', firstName: 'Nick', dob: '1974-05-16', email: 'nicholas.rawell@example.com', ...rawell },
  ];
  // The son, his first name mistyped in one record and shortened in the other: no pair of his
  // with the record below reaches match level.
  const son: MatchRecord[] = [
    { id: 'jr1', firstName: 'Nicholaas', middleName: 'Daniel', dob: '2006-06-23', sex: 'M', ...rawell },
    { id: 'jr2', firstName: 'Nick', middleName: 'Daniel', dob: '23/06/2006', ...rawell },
  ];
  // No birth date: either of them.
  const undated: MatchRecord = { id: 'x', firstName: 'Nicholas', sex: 'M', ...rawell };

  it('sends a record without a birth date to review when the household holds two people of its name', () => {
    const result = dedupe([...population, ...father, ...son, undated], { guards: true });
    expect(result.clusterOf.get('x')).toBe('x');
    const reviews = result.pairs.filter((p) => p.aId === 'x' || p.bId === 'x');
    expect(reviews.length).toBeGreaterThan(0);
    expect(reviews.every((p) => p.decision === 'review')).toBe(true);
    expect(reviews[0]?.explanation.context).toBe('the record fits two different people about equally well');
  });

  it('joins it to the one person of that name when the household holds only one', () => {
    const result = dedupe([...population, ...father, undated], { guards: true });
    expect(result.clusterOf.get('x')).toBe('sr1');
  });
});

describe('clusterRecords', () => {
  // A father (0) and his son (4) of one name, with records that have no birth date between
  // them (1, 2, 3): each link of the chain is strong, only the pair 0–4 shows two people.
  const edges = [0, 1, 2, 3].map((i) => ({ left: i, right: i + 1, score: 20 - i, strong: true }));
  const fatherAndSon = (i: number, j: number) => Math.min(i, j) === 0 && Math.max(i, j) === 4;
  const options = { conflict: fatherAndSon, ambiguityMargin: 6, maxClusterSize: 60 };

  it('lets the majority of pairs outvote one conflicting pair (an odd record is forgiven)', () => {
    const { clusterOf } = clusterRecords(5, edges, options);
    expect(new Set(clusterOf).size).toBe(1);
  });

  it('counts the majority on birth dates over the pairs that both hold one', () => {
    // Two clusters of two: {0 born 1955, 1 no date} and {2 born 1975, 3 no date}, tied by the
    // strong edge 1–2. Only 0–2 can be compared on the date, and it conflicts: 1 of 4 pairs
    // overall (the old majority joins), 1 of 1 on the date (kept apart).
    const pairEdges = [
      { left: 0, right: 1, score: 30, strong: true },
      { left: 2, right: 3, score: 29, strong: true },
      { left: 1, right: 2, score: 10, strong: true },
    ];
    const dated = new Set([0, 2]);
    const conflict = (i: number, j: number) => Math.min(i, j) === 0 && Math.max(i, j) === 2;
    const fieldConflicts = (i: number, j: number) => (dated.has(i) && dated.has(j) ? 1 : 0) | (conflict(i, j) ? 2 : 0);
    const base = { conflict, ambiguityMargin: 0, maxClusterSize: 60 };
    expect(new Set(clusterRecords(4, pairEdges, base).clusterOf).size).toBe(1);
    const { clusterOf } = clusterRecords(4, pairEdges, { ...base, fieldConflicts });
    expect(clusterOf[0]).toBe(clusterOf[1]);
    expect(clusterOf[2]).toBe(clusterOf[3]);
    expect(clusterOf[0]).not.toBe(clusterOf[2]);
  });

  it('never joins clusters across a pair that is two people beyond doubt', () => {
    const { clusterOf } = clusterRecords(5, edges, { ...options, apart: fatherAndSon });
    expect(clusterOf[0]).not.toBe(clusterOf[4]);
  });
});

describe('attachToClusters', () => {
  // Clusters {0, 1} and {2, 3}; records 4 and 5 alone, each with a candidate pair into both.
  const clustering = () => ({ clusterOf: Int32Array.from([0, 0, 2, 2, 4, 5]), ambiguous: new Set<number>() });
  const edges = [
    { left: 4, right: 1 },
    { left: 4, right: 3 },
    { left: 5, right: 0 },
    { left: 5, right: 2 },
  ];
  // Record 4 fits cluster {0, 1} as a whole (10 bits), {2, 3} hardly (1 bit); record 5 fits both.
  const profileScore = (r: number, members: readonly number[]) => (r === 5 ? 8 : members.includes(0) ? 10 : 1);

  it('joins a lone record to the one cluster its profile score reaches the threshold with', () => {
    const c = clustering();
    expect(attachToClusters(c, edges, { profileScore, threshold: 4, ambiguityMargin: 3 })).toEqual([4]);
    expect([...c.clusterOf]).toEqual([0, 0, 2, 2, 0, 5]);
  });

  it('leaves it alone below the threshold, when two clusters fit, or when it was taken out as ambiguous', () => {
    const below = clustering();
    expect(attachToClusters(below, edges, { profileScore, threshold: 11, ambiguityMargin: 3 })).toEqual([]);
    const taken = clustering();
    taken.ambiguous.add(4);
    expect(attachToClusters(taken, edges, { profileScore, threshold: 4, ambiguityMargin: 3 })).toEqual([]);
    expect([...taken.clusterOf]).toEqual([0, 0, 2, 2, 4, 5]);
  });

  it('names the cluster by its smallest member when the record joining is smaller', () => {
    const c = { clusterOf: Int32Array.from([0, 1, 1]), ambiguous: new Set<number>() };
    attachToClusters(c, [{ left: 0, right: 2 }], { profileScore: () => 10, threshold: 4, ambiguityMargin: 3 });
    expect([...c.clusterOf]).toEqual([0, 0, 0]);
  });
});

describe('linking with cluster context', () => {
  it('sends a record with two equally good candidates who are different people to review', () => {
    const a: MatchRecord[] = [
      { id: 'sr', firstName: 'Jack', lastName: 'Morchenel', dob: '1961-05-02', sex: 'M', ...home },
      { id: 'jr', firstName: 'Jack', lastName: 'Morchenel', dob: '1992-10-24', sex: 'M', ...home },
    ];
    const b: MatchRecord[] = [{ id: 'x', firstName: 'Jack', lastName: 'Morchenel', sex: 'M', ...home }];
    const result = linkSources(a, b, { guards: true });
    expect(result.pairs.filter((p) => p.decision === 'match')).toEqual([]);
  });

  // Twenty people in both sources, one of them known only by name and locality (it lowers the
  // batch threshold to p ≈ 0.97), and Liam / Declan Quorrel: one birth date, address and
  // email, first names differ — a twin, or one person under two names.
  const SURNAMES = 'Abbot Bellamy Carrow Dunmore Ellery Fanshaw Garnet Holloway Ingram Jessop'.split(' ');
  const people: MatchRecord[] = [...SURNAMES, ...SURNAMES.map((s) => `${s}son`)].map((last, i) => ({
    id: `p${i}`,
    firstName: 'Henry',
    lastName: last,
    dob: `19${50 + i}-03-0${1 + (i % 9)}`,
    sex: 'M',
    email: `henry.${last.toLowerCase()}@example.com`,
    addressLine1: `${i + 1} Long Road`,
    city: 'Ashfield',
    state: 'NSW',
    postcode: '2131',
  }));
  const sparse = { firstName: 'Oswin', lastName: 'Thackeray', state: 'NSW', city: 'Ashby', postcode: '2000' };
  const quorrel = { lastName: 'Quorrel', dob: '1980-01-02', sex: 'M', email: 'quorrel@example.com' };
  const quorrelHome = { ...quorrel, addressLine1: '7 Quorrel Street', city: 'Bexley', state: 'NSW', postcode: '2207' };
  const sources = (extraB: MatchRecord[] = []) => ({
    a: [
      ...people.map((p) => ({ ...p, id: `a-${p.id}` })),
      { id: 'a-os', ...sparse },
      { id: 'a-liam', firstName: 'Liam', ...quorrelHome },
    ],
    b: [
      ...people.map((p) => ({ ...p, id: `b-${p.id}` })),
      { id: 'b-os', ...sparse },
      { id: 'b-declan', firstName: 'Declan', ...quorrelHome },
      ...extraB,
    ],
  });

  it('matches a pair held back by one guard when neither record has another candidate', () => {
    const { a, b } = sources();
    const result = linkSources(a, b, { guards: true });
    const pair = result.pairs.find((p) => p.aId === 'a-liam');
    expect(pair?.bId).toBe('b-declan');
    expect(pair?.explanation.guards).toEqual(['first name differs']);
    expect(pair?.decision).toBe('match');
    expect(pair?.explanation.context).toBe('the only candidate of both records');
  });

  it('leaves it a review when another member of the household is a candidate too', () => {
    const { a, b } = sources([{ id: 'b-noah', firstName: 'Noah', ...quorrelHome }]);
    const result = linkSources(a, b, { guards: true });
    const liam = result.pairs.filter((p) => p.aId === 'a-liam');
    expect(liam.length).toBeGreaterThan(0);
    expect(liam.every((p) => p.decision === 'review')).toBe(true);
  });

  it('joins two records in dedupe on the same terms, and not when a third record is a candidate', () => {
    const { a, b } = sources();
    const joined = dedupe([...a, ...b], { guards: true });
    expect(joined.clusterOf.get('a-liam')).toBe(joined.clusterOf.get('b-declan'));
    const withNoah = sources([{ id: 'b-noah', firstName: 'Noah', ...quorrelHome }]);
    const kept = dedupe([...withNoah.a, ...withNoah.b], { guards: true });
    expect(kept.clusterOf.get('a-liam')).toBe('a-liam');
  });

  // A pair short of the match threshold asked for (p 0.97): surname and birth date mistyped.
  const hugo: [MatchRecord, MatchRecord] = [
    {
      id: 'a-hugo',
      firstName: 'Hugo',
      lastName: 'Pemberton',
      dob: '1970-01-01',
      sex: 'M',
      city: 'Bexley',
      postcode: '2207',
    },
    { id: 'b-hugo', firstName: 'Hugo', lastName: 'Pendleton', dob: '1970-01-11', sex: 'M' },
  ];
  const strict = { guards: true, thresholds: { match: 0.97 } };

  it('matches a pair short of the threshold that is the one likely candidate of both records', () => {
    const { a, b } = sources();
    const result = linkSources([...a, hugo[0]], [...b, hugo[1]], strict);
    const pair = result.pairs.find((p) => p.aId === 'a-hugo');
    expect(pair?.score).toBeLessThan(Math.log2(0.97 / 0.03));
    expect(pair?.decision).toBe('match');
    expect(pair?.explanation.context).toBe('the one likely candidate of both records');
    // Oswin Thackeray, known by name and locality only (no birth date): he could be a relative
    // the guards cannot see, so his pair stays what its score says.
    expect(result.pairs.find((p) => p.aId === 'a-os')?.decision).toBe('review');
  });

  it('leaves it a review when the record has another candidate', () => {
    const { a, b } = sources();
    const other: MatchRecord = { id: 'a-hugh', firstName: 'Hugh', lastName: 'Pendleton', dob: '1970-11-01', sex: 'M' };
    const result = linkSources([...a, hugo[0], other], [...b, hugo[1]], strict);
    expect(result.pairs.find((p) => p.aId === 'a-hugo')?.decision).toBe('review');
  });

  it('leaves a sole candidate held back by one guard a review when only its weight in context reaches the threshold', () => {
    const { a, b } = sources();
    const liam: MatchRecord = {
      ...quorrelHome,
      id: 'a-liam2',
      firstName: 'Liam',
      middleName: 'John',
      email: undefined,
      phone: '0412 345 679',
    };
    const declan: MatchRecord = {
      ...quorrelHome,
      id: 'b-declan2',
      firstName: 'Declan',
      middleName: 'J',
      email: undefined,
      phone: '0412 345 678',
    };
    const result = linkSources(
      [...a.filter((r) => r.id !== 'a-liam'), liam],
      [...b.filter((r) => r.id !== 'b-declan'), declan],
      strict,
    );
    const pair = result.pairs.find((p) => p.aId === 'a-liam2');
    expect(pair?.score).toBeLessThan(Math.log2(0.97 / 0.03));
    expect(pair?.decision).toBe('review');
  });

  it('drops a review that another candidate of the record outweighs below the review threshold', () => {
    const { a, b } = sources();
    // Born another month: a review on its own (p ≈ 0.05), but beside the Hugo above it is not
    // worth a look (a record is at most one person).
    const weak: MatchRecord = { id: 'a-weak', firstName: 'Hugo', lastName: 'Pendleton', dob: '1970-05-17' };
    const result = linkSources([...a, hugo[0], weak], [...b, hugo[1]], { guards: true, thresholds: { match: 0.99 } });
    expect(result.pairs.find((p) => p.aId === 'a-hugo')?.decision).toBe('review');
    expect(result.pairs.find((p) => p.aId === 'a-weak')).toBeUndefined();
    const alone = linkSources([...a, weak], [...b, hugo[1]], { guards: true, thresholds: { match: 0.99 } });
    expect(alone.pairs.find((p) => p.aId === 'a-weak')?.decision).toBe('review');
  });

  it('meets the precision it is asked for on held-out typical data', () => {
    const { a, b, truth } = generateLinkSet('typical', 2, 1000);
    const result = linkSources(a, b);
    const score = scoreLink(result.pairs, a, b, truth);
    expect(score.precision).toBeGreaterThanOrEqual(0.995);
    expect(result.stats.expectedPrecision).toBeGreaterThanOrEqual(0.995);
    expect(result.stats.reviews).toBe(score.reviews);
  });
});

describe('expectedPrecisionThreshold', () => {
  it('is the lowest score at which the mean probability of the matches reaches the precision', () => {
    // 99 certain pairs and one at p = 0.6 (weight log2(1.5)): mean 0.996 ≥ 0.995 → included.
    const certain = Array.from({ length: 99 }, () => 30);
    expect(expectedPrecisionThreshold([...certain, Math.log2(1.5)], 0.995)).toBeCloseTo(Math.log2(1.5), 6);
    // Asking for 0.999 leaves it out: the threshold is then the precision itself (a pair at
    // least that likely is always a match).
    expect(expectedPrecisionThreshold([...certain, Math.log2(1.5)], 0.999)).toBeCloseTo(Math.log2(999), 6);
    // Never below even odds, whatever the mean.
    expect(expectedPrecisionThreshold([...certain, ...certain, -1], 0.99)).toBeCloseTo(Math.log2(99), 6);
  });
});
