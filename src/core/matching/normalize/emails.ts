// Emails: case-folded; dots and +tags removed only where the provider ignores them,
// so j.smith+clinic@gmail.com and jsmith@gmail.com agree but j.smith@corp.com stays.

const DOTS_IGNORED = new Set(['gmail.com', 'googlemail.com']);
const PLUS_TAGS_IGNORED = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'fastmail.com',
  'fastmail.fm',
  'protonmail.com',
  'proton.me',
  'pm.me',
  'outlook.com.au',
  'hotmail.com.au',
]);
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' };

/** Canonical address, or null when it does not look like one. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, '');
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  let local = text.slice(0, at);
  let domain = text.slice(at + 1).replace(/\.$/, '');
  domain = DOMAIN_ALIASES[domain] ?? domain;
  if (PLUS_TAGS_IGNORED.has(domain)) local = local.replace(/\+.*$/, '');
  if (DOTS_IGNORED.has(domain)) local = local.replace(/\./g, '');
  if (local === '' || !domain.includes('.')) return null;
  return `${local}@${domain}`;
}

/** The part before the @ (people keep it when they change provider). */
export function emailLocal(email: string): string {
  return email.slice(0, email.lastIndexOf('@'));
}
