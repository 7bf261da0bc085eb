// A small RFC 4180 CSV reader and writer: quoted fields, doubled quotes, CRLF or LF,
// newlines inside quotes; tab- or semicolon-separated exports read too. Enough for patient
// exports without a dependency.

/** The separator a file's header line uses most: comma, tab or semicolon (spreadsheet exports in many locales). */
export function detectDelimiter(text: string): ',' | '\t' | ';' {
  const end = text.search(/[\r\n]/);
  const header = end === -1 ? text : text.slice(0, end);
  const count = (ch: string) => header.split(ch).length - 1;
  const [best] = ([',', '\t', ';'] as const).map((d) => [d, count(d)] as const).sort((x, y) => y[1] - x[1]);
  return best![1] > 0 ? best![0] : ',';
}

/** Parses CSV text into rows of fields. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  for (; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      inQuotes = true;
      field = '';
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0]?.trim() === ''));
}

/** Rows as objects keyed by the (trimmed) header names; values trimmed. */
export function csvObjects(text: string): { header: string[]; records: Record<string, string>[] } {
  const [headerRow, ...rows] = parseCsv(text, detectDelimiter(text));
  const header = (headerRow ?? []).map((h) => h.trim());
  const records = rows.map((row) => {
    const record: Record<string, string> = {};
    header.forEach((name, i) => {
      record[name] = (row[i] ?? '').trim();
    });
    return record;
  });
  return { header, records };
}

function escapeField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsvRow(values: readonly (string | number)[]): string {
  return values.map((v) => escapeField(String(v))).join(',') + '\n';
}
