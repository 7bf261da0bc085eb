// Seeded memberships and invoices, so patients carry a realistic membership_status, plan,
// employer and past-due balance.
import { newId } from './ids.ts';
import type { Company, CustomerInvoice, Membership, Patient, Plan } from './model.ts';
import { chance, intBetween, pick, type Random } from './random.ts';
import { addToIndex, type HintData } from './state.ts';
import { formatDate } from './time.ts';

const DAY = 86_400_000;

interface Places {
  plans: Plan[];
  companies: Company[];
}

type Status = Membership['status'];

function pickStatus(random: Random): Status {
  const roll = random();
  if (roll < 0.68) return 'active';
  if (roll < 0.8) return 'unpaid';
  if (roll < 0.86) return 'pending';
  if (roll < 0.9) return 'unconfirmed';
  return 'ended';
}

function enrollmentFor(status: Status): Membership['enrollment_status'] {
  if (status === 'ended') return 'inactive';
  if (status === 'unpaid') return 'active';
  return status;
}

/** A membership fee invoice, issued (owed) or already paid. */
export function addInvoice(
  data: HintData,
  random: Random,
  patient: Patient,
  plan: Plan,
  status: 'issued' | 'paid',
  at: number,
): CustomerInvoice {
  const number = (data.invoiceCounters.get(patient.practiceId) ?? 0) + 1;
  data.invoiceCounters.set(patient.practiceId, number);
  const date = formatDate(at, -480);
  const invoice: CustomerInvoice = {
    id: newId(random, 'inv'),
    practiceId: patient.practiceId,
    createdAt: at,
    updatedAt: at,
    version: 1,
    invoice_number: number,
    status,
    ownerId: patient.id,
    patientId: patient.id,
    date,
    paidAt: status === 'paid' ? at + DAY : null,
    lastSentAt: at,
    charges: [
      {
        id: newId(random, 'cha'),
        name: `${plan.name} (monthly)`,
        description: '',
        quantity: 1,
        price_in_cents: plan.rateInCents,
        service_date: date,
        patientId: patient.id,
        createdAt: at,
        updatedAt: at,
      },
    ],
    payments:
      status === 'paid'
        ? [
            {
              id: newId(random, 'pmt'),
              amount_in_cents: plan.rateInCents,
              status: 'paid',
              memo: null,
              paidAt: at + DAY,
              sourceType: 'Card',
              sourceId: newId(random, 'card'),
            },
          ]
        : [],
  };
  data.invoices.set(invoice.id, invoice);
  addToIndex(data.invoicesByOwner, patient.id, invoice.id);
  return invoice;
}

/** ~85% of patients get a membership; a third of those through an employer; unpaid ones owe money. */
export function seedBilling(
  data: HintData,
  random: Random,
  patient: Patient,
  places: Places,
  now: number,
): Membership | undefined {
  if (!chance(random, 0.85)) return undefined;
  const employer = chance(random, 0.33) ? pick(random, places.companies) : undefined;
  const retail = places.plans.filter((p) => p.plan_type === 'retail');
  const plan = employer ? places.plans.find((p) => p.plan_type === 'company') : pick(random, retail);
  if (!plan) return undefined;
  const status = pickStatus(random);
  const start = patient.createdAt + intBetween(random, 0, 10) * DAY;
  const startDate = formatDate(start, -480);
  const membership: Membership = {
    id: newId(random, 'mem'),
    practiceId: patient.practiceId,
    createdAt: start,
    updatedAt: start,
    version: 1,
    planId: plan.id,
    ownerId: patient.id,
    companyId: employer?.id ?? null,
    status,
    enrollment_status: enrollmentFor(status),
    start_date: startDate,
    end_date: status === 'ended' ? formatDate(now - intBetween(random, 1, 20) * DAY, -480) : null,
    period_in_months: 1,
    members: [
      {
        id: newId(random, 'mp'),
        patientId: patient.id,
        member_type: 'employee',
        start_date: startDate,
        end_date: null,
      },
    ],
  };
  data.memberships.set(membership.id, membership);
  if (status === 'active' || status === 'unpaid') addInvoice(data, random, patient, plan, 'paid', now - 40 * DAY);
  if (status === 'unpaid') {
    const months = intBetween(random, 1, 3);
    for (let m = 0; m < months; m++) addInvoice(data, random, patient, plan, 'issued', now - (10 + m * 30) * DAY);
  }
  return membership;
}
