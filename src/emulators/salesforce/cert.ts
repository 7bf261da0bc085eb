// A self-signed X.509 certificate for the connected app's "Use digital signatures" setting,
// built with node:crypto and a few lines of DER (no certificate library needed): the JWT
// bearer flow verifies RS256 assertions against this certificate's public key.
import { generateKeyPair, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * a! + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(raw: Buffer): Buffer {
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++; // DER integers are minimal
  const n = raw.subarray(start);
  return tlv(0x02, n[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), n]) : n);
}

function utcTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-12-02T07:00:00.000Z
  return tlv(
    0x17,
    Buffer.from(
      `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`,
    ),
  );
}

function commonName(cn: string): Buffer {
  return seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, cn: string, now: number): string {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), tlv(0x05, Buffer.alloc(0)));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // v3
    integer(Buffer.from(now.toString(16).padStart(16, '0'), 'hex')),
    sha256WithRsa,
    commonName(cn),
    seq(utcTime(now - 86_400_000), utcTime(now + 3 * 365 * 86_400_000)),
    commonName(cn),
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certificate = pem('CERTIFICATE', der);
  new X509Certificate(certificate); // fails loudly here rather than at the first JWT
  return certificate;
}

export async function newSigningKey(
  cn: string,
  now: number,
): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: selfSignedCertificate(privateKey, publicKey, cn, now),
  };
}
