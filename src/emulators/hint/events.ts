// Which webhook each change fires, with the object rendered per partner in its GET shape.
import type { HintContext } from './context.ts';
import type { CustomerInvoice, Integration, Location, Patient, Practice, Practitioner } from './model.ts';
import { invoiceView } from './views/billing.ts';
import { locationView, practiceView, practitionerView } from './views/common.ts';
import { integrationView } from './views/partner.ts';
import { patientView } from './views/patient.ts';

type Action = 'created' | 'updated' | 'destroyed';

export function patientEvent(ctx: HintContext, type: `${Action}` | 'inactive', patient: Patient, actor?: string): void {
  // Render once per partner now: a destroyed patient is gone by the time we'd render later.
  ctx.webhooks.publish({
    type: `patient.${type}`,
    practiceId: patient.practiceId,
    actorPartnerId: actor,
    render: (partnerId) => patientView(ctx.state, partnerId, patient),
  });
}

export function practitionerEvent(ctx: HintContext, type: Action, p: Practitioner, actor?: string): void {
  ctx.webhooks.publish({
    type: `practitioner.${type}`,
    practiceId: p.practiceId,
    actorPartnerId: actor,
    render: (partnerId) => practitionerView(ctx.state, partnerId, p),
  });
}

export function locationEvent(ctx: HintContext, type: Action, l: Location, actor?: string): void {
  ctx.webhooks.publish({
    type: `location.${type}`,
    practiceId: l.practiceId,
    actorPartnerId: actor,
    render: (partnerId) => locationView(ctx.state, partnerId, l),
  });
}

export function practiceEvent(ctx: HintContext, p: Practice, actor?: string): void {
  ctx.webhooks.publish({
    type: 'practice.updated',
    practiceId: p.id,
    actorPartnerId: actor,
    render: (partnerId) => practiceView(ctx.state, partnerId, p),
  });
}

export type InvoiceEventType = Action | 'draft' | 'issued' | 'paid' | 'cancelled';

export function invoiceEvent(ctx: HintContext, type: InvoiceEventType, invoice: CustomerInvoice, actor?: string): void {
  ctx.webhooks.publish({
    type: `customer_invoice.${type}`,
    practiceId: invoice.practiceId,
    actorPartnerId: actor,
    render: (partnerId) => invoiceView(ctx.state, partnerId, invoice),
  });
}

export function companyEvent(
  ctx: HintContext,
  type: Action,
  practiceId: string,
  render: () => unknown,
  actor?: string,
): void {
  ctx.webhooks.publish({ type: `company.${type}`, practiceId, actorPartnerId: actor, render });
}

/** integration.* go to the integration's own partner, even once deactivated. */
export function integrationEvent(ctx: HintContext, type: 'activated' | 'deactivated', integration: Integration): void {
  ctx.webhooks.publish({
    type: `integration.${type}`,
    practiceId: integration.practiceId,
    onlyIntegration: integration,
    render: () => integrationView(ctx.state, integration),
  });
}

export function installationEvent(
  ctx: HintContext,
  type: 'activated' | 'deactivated',
  integration: Integration,
  render: () => unknown,
): void {
  ctx.webhooks.publish({
    type: `installation.${type}`,
    practiceId: integration.practiceId,
    onlyIntegration: integration,
    render,
  });
}

/** The registry GET /partner/webhook_events returns, ordered by resource then action. */
export const WEBHOOK_EVENT_TYPES = [
  'company.created',
  'company.updated',
  'company.destroyed',
  'customer_invoice.created',
  'customer_invoice.updated',
  'customer_invoice.destroyed',
  'customer_invoice.draft',
  'customer_invoice.issued',
  'customer_invoice.paid',
  'customer_invoice.cancelled',
  'invoice.created',
  'invoice.updated',
  'invoice.destroyed',
  'invoice.draft',
  'invoice.issued',
  'invoice.paid',
  'invoice.cancelled',
  'employee_division.created',
  'employee_division.updated',
  'employee_division.destroyed',
  'membership.created',
  'membership.updated',
  'membership.destroyed',
  'patient.created',
  'patient.updated',
  'patient.destroyed',
  'patient.inactive',
  'prospect.created',
  'prospect.updated',
  'practitioner.created',
  'practitioner.updated',
  'practitioner.destroyed',
  'integration.activated',
  'integration.deactivated',
  'installation.activated',
  'installation.deactivated',
  'signup_attempt.created',
  'signup_attempt.updated',
  'location.created',
  'location.updated',
  'location.destroyed',
  'practice.created',
  'practice.updated',
  'practice.destroyed',
  'practice.deactivated',
] as const;
