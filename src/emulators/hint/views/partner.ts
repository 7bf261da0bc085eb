// Partner-side shapes: Partner, Integration (legacy int-…), webhook endpoints, interactions.
import { integrationFields } from '../integration-data.ts';
import type { Integration, Interaction, Partner } from '../model.ts';
import type { HintState } from '../state.ts';
import { formatTimestamp } from '../time.ts';
import type { WebhookEndpoint } from '../webhook-store.ts';

export function partnerView(partner: Partner) {
  return { id: partner.id, email: partner.email, logo_url: null, name: partner.name, webhook_url: partner.webhookUrl };
}

export function integrationView(state: HintState, integration: Integration) {
  const practice = state.practice(integration.practiceId);
  return {
    id: integration.id,
    expires_in: null,
    refresh_token: null,
    status: integration.status,
    token_type: 'bearer',
    webhook_url_default: null,
    webhook_url_override: integration.webhookUrlOverride,
    practice: { id: practice.id, name: practice.name },
  };
}

/** The code-exchange answer: the Integration plus the practice token and who connected it. */
export function integrationWithTokenView(state: HintState, integration: Integration, token: string) {
  const partner = state.data.partners.get(integration.partnerId);
  const practice = state.practice(integration.practiceId);
  const key = integration.apiKeys.find((k) => k.token === token);
  const offset = practice.offsetMinutes;
  return {
    ...integrationView(state, integration),
    access_token: token,
    activated_by: { ...practice.admin },
    api_keys: key
      ? [
          {
            deactivated_at: key.deactivatedAt === null ? null : formatTimestamp(key.deactivatedAt, offset),
            description: key.description,
            last_used_at: key.lastUsedAt === null ? null : formatTimestamp(key.lastUsedAt, offset),
            token: key.token,
          },
        ]
      : [],
    product: partner ? { id: partner.productId, name: partner.productName, slug: partner.productSlug } : null,
  };
}

const installationStatus = { active: 'active', pending: 'pending', inactive: 'deactivated' } as const;

/** The newer Installation shape; the full token is shown only when it is created. */
export function installationView(state: HintState, integration: Integration, revealToken?: string) {
  const partner = state.data.partners.get(integration.partnerId);
  const practice = state.practice(integration.practiceId);
  const fmt = (ms: number | null) => (ms === null ? null : formatTimestamp(ms, practice.offsetMinutes));
  return {
    id: integration.installationId,
    status: installationStatus[integration.status],
    auto_grant_partner_app_access: true,
    default_partner_app_admin_role: 'admin',
    default_partner_app_non_admin_role: 'member',
    api_keys: integration.apiKeys.map((k) => ({
      id: k.id,
      created_at: fmt(k.createdAt),
      deactivated_at: fmt(k.deactivatedAt),
      label: k.description,
      last_used_at: fmt(k.lastUsedAt),
      token: k.token === revealToken ? k.token : null,
    })),
    practice: { id: practice.id, name: practice.name },
    product: partner ? { id: partner.productId, name: partner.productName, slug: partner.productSlug } : null,
  };
}

export function webhookEndpointView(state: HintState, endpoint: WebhookEndpoint) {
  const partner = state.data.partners.get(endpoint.partnerId);
  const fmt = (ms: number) => formatTimestamp(ms, 0);
  return {
    id: endpoint.id,
    created_at: fmt(endpoint.createdAt),
    last_delivered_at: endpoint.lastDeliveredAt === null ? null : fmt(endpoint.lastDeliveredAt),
    localhost_webhook_url: null,
    updated_at: fmt(endpoint.updatedAt),
    webhook_url: endpoint.url,
    partner_backend: { id: partner?.backendId ?? null, name: 'Default' },
  };
}

export function interactionView(state: HintState, partnerId: string, interaction: Interaction) {
  return {
    id: interaction.id,
    body: interaction.body,
    patient_id: interaction.patientId,
    status: interaction.status,
    title: interaction.title,
    type: interaction.type,
    created_at: formatTimestamp(interaction.createdAt, state.offsetOf(interaction.practiceId)),
    updated_at: formatTimestamp(interaction.updatedAt, state.offsetOf(interaction.practiceId)),
    ...integrationFields(state, partnerId, interaction),
  };
}
