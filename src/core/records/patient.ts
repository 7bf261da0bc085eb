// The canonical patient as the REST API speaks it, and its validation rules.
import { z } from 'zod';
import { calendarDate, email, optionalText, phoneNumber, phoneTypes, sexes, text, uuid } from './fields.ts';

export interface RecordContext {
  defaultCountry: string;
}

const address = z
  .object({
    line1: optionalText(),
    line2: optionalText(),
    city: optionalText(100),
    state: optionalText(50),
    postcode: optionalText(20),
    country: optionalText(2),
  })
  .strict();

const medicare = z
  .object({
    number: z
      .string()
      .regex(/^\d{10}$/, 'must be 10 digits')
      .nullable()
      .optional(),
    irn: z
      .string()
      .regex(/^[1-9]$/, 'must be a single digit 1-9')
      .nullable()
      .optional(),
    expiry: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
      .nullable()
      .optional(),
  })
  .strict();

const insurance = z
  .object({
    payerName: optionalText(),
    memberId: optionalText(64),
    groupNumber: optionalText(64),
    planName: optionalText(),
    subscriberName: optionalText(),
    relationship: optionalText(32),
  })
  .strict();

export function patientShape(ctx: RecordContext) {
  return {
    namePrefix: optionalText(20),
    firstName: text(100),
    middleName: optionalText(100),
    lastName: text(100),
    preferredName: optionalText(100),
    dob: calendarDate.nullable().optional(),
    sex: z.enum(sexes).nullable().optional(),
    genderIdentity: optionalText(100),
    email: email.nullable().optional(),
    phones: z
      .array(z.object({ type: z.enum(phoneTypes), number: phoneNumber(ctx.defaultCountry) }).strict())
      .max(10)
      .optional(),
    address: address.nullable().optional(),
    medicare: medicare.nullable().optional(),
    insurance: insurance.nullable().optional(),
    practitionerId: uuid.nullable().optional(),
  };
}

// Building a zod schema (and its first compilation) costs far more than a parse: each is built
// once per country and reused, by the API and by every connector that validates incoming records.
const built = new Map<string, z.ZodType>();
function once<T extends z.ZodType>(key: string, build: () => T): T {
  let schema = built.get(key);
  if (!schema) {
    schema = build();
    built.set(key, schema);
  }
  return schema as T;
}

export function patientCreateSchema(ctx: RecordContext) {
  return once(`create:${ctx.defaultCountry}`, () => z.object(patientShape(ctx)).strict());
}

export function patientPatchSchema(ctx: RecordContext) {
  return once(`patch:${ctx.defaultCountry}`, () =>
    z
      .object({ ...patientShape(ctx), version: z.number().int().min(1).optional() })
      .partial()
      .strict(),
  );
}

export type PatientInput = z.infer<ReturnType<typeof patientCreateSchema>>;

export interface Patient {
  id: string;
  namePrefix: string | null;
  firstName: string;
  middleName: string | null;
  lastName: string;
  preferredName: string | null;
  dob: string | null;
  sex: (typeof sexes)[number] | null;
  genderIdentity: string | null;
  email: string | null;
  phones: { type: (typeof phoneTypes)[number]; number: string }[];
  address: {
    line1: string | null;
    line2: string | null;
    city: string | null;
    state: string | null;
    postcode: string | null;
    country: string | null;
  };
  medicare: { number: string | null; irn: string | null; expiry: string | null };
  insurance: Record<string, string | null> | null;
  practitionerId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}
