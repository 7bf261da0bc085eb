// Pure mapping between Healthengine's wire shapes and Tandem's canonical records. No I/O.
import { z } from 'zod';
import { toE164, isRealDate } from '../../core/records/fields.ts';
import type { MatchRecord } from '../../core/matching/index.ts';
import type { DayAvailability, OfferedType } from '../../core/availability/index.ts';
import type {
  AvailabilitySnapshot,
  LivenessContract,
  PmsAppointmentType,
  PmsResource,
  WirePatient,
} from './schemas.ts';

export interface HubResource {
  id: string;
  name: string;
  kind: string;
  practitionerId: string | null;
  specialty: string | null;
  active: boolean;
  locationId: string;
}
export interface HubPractitioner {
  id: string;
  title: string | null;
  firstName: string;
  lastName: string;
}
export interface HubAppointmentType {
  id: string;
  name: string;
  durationMinutes: number;
  resourceIds: string[];
  active: boolean;
}

/** Names must be unique on Healthengine: a repeated name gets " (2)", " (3)"… */
function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name} (${n})`;
  used.add(candidate);
  return candidate;
}

/** One PMS resource per bookable hub resource (a practitioner in one specialty, or a room). */
export function toPmsResources(resources: HubResource[], practitioners: Map<string, HubPractitioner>): PmsResource[] {
  const used = new Set<string>();
  return resources.map((r) => {
    const p = r.practitionerId ? practitioners.get(r.practitionerId) : undefined;
    return {
      pmsResourceId: r.id,
      pmsResourceName: uniqueName(r.name, used),
      ...(p
        ? {
            pmsPractitionerFirstname: p.firstName,
            pmsPractitionerLastname: p.lastName,
            ...(p.title ? { pmsPractitionerTitle: p.title } : {}),
          }
        : {}),
    };
  });
}

/**
 * A type open to every resource is sent once; a type limited to some resources is sent once
 * per resource with the reproducible id `<typeId>:<resourceId>` (as Healthengine suggests).
 */
export function toPmsAppointmentTypes(types: HubAppointmentType[], resources: HubResource[]): PmsAppointmentType[] {
  const used = new Set<string>();
  const out: PmsAppointmentType[] = [];
  for (const t of types) {
    if (t.resourceIds.length === 0) {
      out.push({
        pmsAppointmentTypeId: t.id,
        pmsAppointmentTypeName: uniqueName(t.name, used),
        pmsAppointmentLength: t.durationMinutes,
      });
      continue;
    }
    for (const r of resources.filter((x) => t.resourceIds.includes(x.id))) {
      out.push({
        pmsAppointmentTypeId: `${t.id}:${r.id}`,
        pmsAppointmentTypeName: uniqueName(`${t.name} (${r.name})`, used),
        pmsAppointmentLength: t.durationMinutes,
        pmsResourceId: r.id,
      });
    }
  }
  return out;
}

/** The PMS appointment types a resource offers, for the availability engine's per-type ranges. */
export function offeredTypes(resourceId: string, types: HubAppointmentType[]): OfferedType[] {
  return types
    .filter((t) => t.resourceIds.length === 0 || t.resourceIds.includes(resourceId))
    .map((t) => ({
      id: t.resourceIds.length === 0 ? t.id : `${t.id}:${resourceId}`,
      durationMinutes: t.durationMinutes,
    }));
}

/** `<typeId>` or `<typeId>:<resourceId>` → the hub appointment type id. */
export function hubTypeIdOf(pmsAppointmentTypeId: string | null | undefined): string | undefined {
  const id = pmsAppointmentTypeId?.split(':')[0];
  return id && z.uuid().safeParse(id).success ? id : undefined;
}

export function toLivenessContract(liveHours: LivenessContract['liveHours']): LivenessContract {
  return { liveHours };
}

export function toSnapshot(day: DayAvailability): AvailabilitySnapshot {
  return {
    id: `${day.resourceId}|${day.date}`,
    date: day.date,
    pmsResourceId: day.resourceId,
    availability: day.ranges,
  };
}

/** `YYYY-MM-DD HH:MM[:SS]` (practice local) → date and minute of day. */
export function parseLocalDateTime(text: string | null | undefined): { date: string; minute: number } | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T]([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/.exec(text?.trim() ?? '');
  if (!m || !isRealDate(m[1]!)) return undefined;
  return { date: m[1]!, minute: Number(m[2]) * 60 + Number(m[3]) };
}

/** The spec says DD-MM-YYYY, the format says date, booking webhooks send YYYY-MM-DD: read all (§9.3). */
export function parseHealthengineDob(text: string | null | undefined): string | null {
  const t = text?.trim() ?? '';
  let iso: string | undefined;
  const dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t);
  if (dmy) iso = `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = t;
  return iso && isRealDate(iso) ? iso : null;
}

/** `05/2023` → `2023-05`. */
export function parseMedicareExpiry(text: string | null | undefined): string | null {
  const m = /^(\d{1,2})\/(\d{4})$/.exec(text?.trim() ?? '');
  if (!m) return null;
  const month = m[1]!.padStart(2, '0');
  return Number(month) >= 1 && Number(month) <= 12 ? `${m[2]}-${month}` : null;
}

const emailSchema = z.email();
const clean = (v: string | null | undefined) => (v ?? '').trim() || null;

export interface IncomingPatient {
  match: MatchRecord;
  create: Record<string, unknown> | undefined;
}

/** The booking's patient as the matcher sees it, and as a new hub patient (undefined when unusable: no name). */
export function incomingPatient(p: WirePatient, bookingId: number, country = 'AU'): IncomingPatient {
  const firstName = clean(p.firstname);
  const lastName = clean(p.lastname);
  const dob = parseHealthengineDob(p.dob);
  const phone = clean(p.phone) ? (toE164(p.phone!, country) ?? null) : null;
  const email = clean(p.email) && emailSchema.safeParse(p.email!.trim()).success ? p.email!.trim() : null;
  const medicareDigits = (p.medicareNumber ?? '').replace(/\D/g, '');
  const medicareNumber = medicareDigits.length === 10 ? medicareDigits : null;
  const irn = /^[1-9]$/.test((p.medicareIrn ?? '').trim()) ? p.medicareIrn!.trim() : null;
  // Healthengine asks for a gender. Male and Female are read as the sex they name (as before),
  // but "Other" is a gender identity, not a sex (Hint would get `intersex`): sex stays empty.
  const sex = ({ Male: 'male', Female: 'female' } as Record<string, string>)[p.gender ?? ''] ?? null;
  const genderIdentity = p.gender === 'Other' ? 'Other' : undefined;
  const match: MatchRecord = {
    id: `healthengine-booking:${bookingId}`,
    firstName,
    lastName,
    dob: dob ?? clean(p.dob),
    sex,
    email: clean(p.email),
    phone: clean(p.phone),
    addressLine1: clean(p.address),
    city: clean(p.suburb),
    state: clean(p.state),
    postcode: clean(p.postcode),
    country,
    medicareNumber: clean(p.medicareNumber),
    medicareIrn: clean(p.medicareIrn),
  };
  if (!firstName || !lastName) return { match, create: undefined };
  const create: Record<string, unknown> = {
    firstName: firstName.slice(0, 100),
    lastName: lastName.slice(0, 100),
    dob,
    sex,
    ...(genderIdentity ? { genderIdentity } : {}),
    email,
    phones: phone ? [{ type: 'mobile', number: phone }] : [],
    address: {
      line1: clean(p.address),
      city: clean(p.suburb),
      state: clean(p.state),
      postcode: clean(p.postcode),
      country,
    },
    medicare: medicareNumber ? { number: medicareNumber, irn, expiry: parseMedicareExpiry(p.medicareExpiry) } : null,
  };
  return { match, create };
}
