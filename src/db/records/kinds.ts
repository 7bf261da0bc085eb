// The eight canonical record kinds, described as data for the generic repository and routes.
import { z } from 'zod';
import { patientCreateSchema, patientPatchSchema } from '../../core/records/patient.ts';
import {
  appointmentShape,
  appointmentStatuses,
  appointmentTypeShape,
  locationShape,
  practitionerShape,
  resourceShape,
  scheduleShape,
  schemasFor,
} from '../../core/records/practice-records.ts';
import { calendarDate, dateTime } from '../../core/records/fields.ts';
import { invoiceProblems, invoiceShape, invoiceStatuses } from '../../core/records/invoice.ts';
import type { ColumnMap, RecordDefinition } from './definition.ts';
import { linkStatusFilter } from './link-status-filter.ts';

const uuidParam = z.uuid({ message: 'must be a UUID' });
const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const dateTimeParam = dateTime();

const addressColumns = (prefix: string): ColumnMap[] =>
  ['line1', 'line2', 'city', 'state', 'postcode', 'country'].map((k) => ({
    path: `${prefix}.${k}`,
    column: k.startsWith('line') ? `address_${k}` : k,
  }));

export const linkStatusValues = ['synced', 'unsynced', 'errored', 'enabled', 'none'] as const;

export const patients: RecordDefinition = {
  kind: 'patient',
  table: 'patients',
  path: 'patients',
  columns: [
    { path: 'namePrefix', column: 'name_prefix' },
    { path: 'firstName', column: 'first_name' },
    { path: 'middleName', column: 'middle_name' },
    { path: 'lastName', column: 'last_name' },
    { path: 'preferredName', column: 'preferred_name' },
    { path: 'dob', column: 'dob' },
    { path: 'sex', column: 'sex' },
    { path: 'genderIdentity', column: 'gender_identity' },
    { path: 'email', column: 'email' },
    { path: 'phones', column: 'phones', json: true },
    ...addressColumns('address'),
    { path: 'medicare.number', column: 'medicare_number' },
    { path: 'medicare.irn', column: 'medicare_irn' },
    { path: 'medicare.expiry', column: 'medicare_expiry' },
    { path: 'insurance', column: 'insurance', json: true },
    { path: 'practitionerId', column: 'practitioner_id' },
  ],
  schemas: (ctx) => ({ create: patientCreateSchema(ctx), patch: patientPatchSchema(ctx) }),
  filters: {
    practitionerId: { condition: 'practitioner_id = $n', schema: uuidParam },
    dob: { condition: 'dob = $n::date', schema: calendarDate },
    updatedSince: { condition: 'updated_at >= $n', schema: dateTimeParam },
    hint: linkStatusFilter('hint', linkStatusValues),
    healthengine: linkStatusFilter('healthengine', linkStatusValues),
    salesforce: linkStatusFilter('salesforce', linkStatusValues),
  },
  // Names, dob (as text), email and any phone number.
  search: `(lower(first_name) LIKE $n OR lower(last_name) LIKE $n OR lower(coalesce(preferred_name, '')) LIKE $n
    OR lower(first_name || ' ' || last_name) LIKE $n OR dob::text LIKE $n OR lower(coalesce(email, '')) LIKE $n
    OR phones::text LIKE $n)`,
  orderBy: 'created_at, id',
  references: { practitionerId: 'practitioners' },
};

export const practitioners: RecordDefinition = {
  kind: 'practitioner',
  table: 'practitioners',
  path: 'practitioners',
  columns: [
    { path: 'title', column: 'title' },
    { path: 'firstName', column: 'first_name' },
    { path: 'lastName', column: 'last_name' },
    { path: 'email', column: 'email' },
    { path: 'phone', column: 'phone' },
    { path: 'npi', column: 'npi' },
    { path: 'specialties', column: 'specialties' },
    { path: 'active', column: 'active' },
  ],
  schemas: (ctx) => schemasFor(practitionerShape(ctx)),
  filters: { active: { condition: 'active = $n', schema: boolParam } },
  search: `(lower(first_name) LIKE $n OR lower(last_name) LIKE $n OR lower(coalesce(email, '')) LIKE $n)`,
  orderBy: 'created_at, id',
};

export const locations: RecordDefinition = {
  kind: 'location',
  table: 'locations',
  path: 'locations',
  columns: [
    { path: 'name', column: 'name' },
    { path: 'timeZone', column: 'time_zone' },
    { path: 'phone', column: 'phone' },
    ...addressColumns('address'),
  ],
  schemas: (ctx) => schemasFor(locationShape(ctx)),
  filters: {},
  search: 'lower(name) LIKE $n',
  orderBy: 'created_at, id',
};

export const resources: RecordDefinition = {
  kind: 'resource',
  table: 'resources',
  path: 'resources',
  columns: [
    { path: 'locationId', column: 'location_id' },
    { path: 'kind', column: 'kind' },
    { path: 'practitionerId', column: 'practitioner_id' },
    { path: 'specialty', column: 'specialty' },
    { path: 'name', column: 'name' },
    { path: 'active', column: 'active' },
  ],
  schemas: () => schemasFor(resourceShape()),
  filters: {
    locationId: { condition: 'location_id = $n', schema: uuidParam },
    practitionerId: { condition: 'practitioner_id = $n', schema: uuidParam },
    active: { condition: 'active = $n', schema: boolParam },
  },
  search: 'lower(name) LIKE $n',
  orderBy: 'created_at, id',
  check: (r) =>
    (r.kind === 'practitioner') === (r.practitionerId !== null && r.practitionerId !== undefined)
      ? []
      : [
          [
            'practitionerId',
            r.kind === 'practitioner' ? 'is required for a practitioner resource' : 'must be empty for a room',
          ],
        ],
  references: { locationId: 'locations', practitionerId: 'practitioners' },
};

export const appointmentTypes: RecordDefinition = {
  kind: 'appointmentType',
  table: 'appointment_types',
  path: 'appointment-types',
  columns: [
    { path: 'name', column: 'name' },
    { path: 'description', column: 'description' },
    { path: 'durationMinutes', column: 'duration_minutes' },
    { path: 'newPatients', column: 'new_patients' },
    { path: 'existingPatients', column: 'existing_patients' },
    { path: 'resourceIds', column: 'resource_ids', uuidArray: true },
    { path: 'active', column: 'active' },
  ],
  schemas: () => schemasFor(appointmentTypeShape()),
  filters: { resourceId: { condition: '$n = ANY(resource_ids)', schema: uuidParam } },
  search: 'lower(name) LIKE $n',
  orderBy: 'created_at, id',
  references: { resourceIds: 'resources' },
};

export const schedules: RecordDefinition = {
  kind: 'schedule',
  table: 'schedules',
  path: 'schedules',
  columns: [
    { path: 'resourceId', column: 'resource_id' },
    { path: 'weeklyHours', column: 'weekly_hours', json: true },
    { path: 'exceptions', column: 'exceptions', json: true },
    { path: 'timeOff', column: 'time_off', json: true },
  ],
  schemas: () => schemasFor(scheduleShape()),
  filters: { resourceId: { condition: 'resource_id = $n', schema: uuidParam } },
  orderBy: 'created_at, id',
  references: { resourceId: 'resources' },
};

export const appointments: RecordDefinition = {
  kind: 'appointment',
  table: 'appointments',
  path: 'appointments',
  columns: [
    { path: 'resourceId', column: 'resource_id' },
    { path: 'appointmentTypeId', column: 'appointment_type_id' },
    { path: 'patientId', column: 'patient_id' },
    { path: 'start', column: 'starts_at', timestamp: true },
    { path: 'end', column: 'ends_at', timestamp: true },
    { path: 'status', column: 'status' },
    { path: 'source', column: 'source' },
    { path: 'notes', column: 'notes' },
    { path: 'reason', column: 'reason' },
    { path: 'external', column: 'external', json: true },
  ],
  schemas: () => schemasFor(appointmentShape()),
  filters: {
    patientId: { condition: 'patient_id = $n', schema: uuidParam },
    resourceId: { condition: 'resource_id = $n', schema: uuidParam },
    from: { condition: 'ends_at > $n', schema: dateTimeParam },
    to: { condition: 'starts_at < $n', schema: dateTimeParam },
    status: { condition: 'status = $n', schema: z.enum(appointmentStatuses) },
  },
  orderBy: 'starts_at, id',
  check: (r) =>
    typeof r.start === 'string' && typeof r.end === 'string' && Date.parse(r.end) <= Date.parse(r.start)
      ? [['end', 'must be after start']]
      : [],
  references: { resourceId: 'resources', patientId: 'patients', appointmentTypeId: 'appointment_types' },
};

export const invoices: RecordDefinition = {
  kind: 'invoice',
  table: 'invoices',
  path: 'invoices',
  columns: [
    { path: 'patientId', column: 'patient_id' },
    { path: 'number', column: 'number' },
    { path: 'status', column: 'status' },
    { path: 'issuedOn', column: 'issued_on' },
    { path: 'currency', column: 'currency' },
    { path: 'lines', column: 'lines', json: true },
    { path: 'totalCents', column: 'total_cents', readOnly: true },
    { path: 'paidCents', column: 'paid_cents' },
    { path: 'dueCents', column: 'due_cents', readOnly: true },
    { path: 'paidAt', column: 'paid_at', timestamp: true },
  ],
  schemas: () => schemasFor(invoiceShape()),
  filters: {
    patientId: { condition: 'patient_id = $n', schema: uuidParam },
    status: { condition: 'status = $n', schema: z.enum(invoiceStatuses) },
    updatedSince: { condition: 'updated_at >= $n', schema: dateTimeParam },
  },
  search: "lower(coalesce(number, '')) LIKE $n",
  orderBy: 'created_at, id',
  check: invoiceProblems,
  references: { patientId: 'patients', 'lines.*.practitionerId': 'practitioners' },
};

export const recordKinds: RecordDefinition[] = [
  patients,
  practitioners,
  locations,
  resources,
  appointmentTypes,
  schedules,
  appointments,
  invoices,
];
