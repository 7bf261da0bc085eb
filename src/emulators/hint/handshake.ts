// The marketplace-app handshake: when a user opens the partner's app inside Hint, Hint
// POSTs a signed JSON body to the partner's handshake_url (same X-Hint-Signature scheme and
// key as webhooks), gets {"session_key"} back, and loads the surface in an iframe with
// ?session_key=…. The harness triggers it: POST /_emulator/practices/{id}/handshake.
import { z } from 'zod';
import type { HintContext } from './context.ts';
import { HintError, parseWith } from './errors.ts';
import { formatTimestamp } from './time.ts';
import { sign } from './webhooks.ts';
import { WebhookPoster } from './http-post.ts';
import { SURFACE_NAMES } from './model.ts';

export const handshakeSchema = z.object({
  partnerId: z.string().optional(),
  patientId: z.string().optional(),
  /** Which of the app's surfaces Hint frames (default core_page). */
  surface: z.enum(SURFACE_NAMES).default('core_page'),
  /** The interaction open in the chart (clinical_interaction surface). */
  interactionId: z.string().optional(),
  user: z
    .object({
      /** Any practice user: the admin's id by default. */
      id: z.string().min(1).optional(),
      first_name: z.string().min(1).optional(),
      last_name: z.string().min(1).optional(),
      email: z.email().optional(),
      partner_roles: z.array(z.string()).optional(),
    })
    .optional(),
});

export async function performHandshake(ctx: HintContext, practiceId: string, partnerId: string, body: unknown) {
  const { state } = ctx;
  const input = parseWith(handshakeSchema, body);
  const partner = state.data.partners.get(partnerId);
  const practice = state.data.practices.get(practiceId);
  if (!partner || !practice) throw new HintError(404, 'Practice or partner not found');
  if (!partner.handshakeUrl)
    throw new HintError(
      422,
      'Validation failed: the partner has no handshake URL (PATCH /_emulator/partner {handshakeUrl})',
    );
  const integration = state.integrationFor(partnerId, practiceId);
  const key = integration?.apiKeys.find((k) => k.deactivatedAt === null);
  if (!integration || integration.status !== 'active' || !key)
    throw new HintError(422, 'Validation failed: the app is not connected at this practice');
  const [first, ...rest] = practice.admin.name.split(' ');
  const firstName = input.user?.first_name ?? first ?? 'Pat';
  const lastName = input.user?.last_name ?? (rest.join(' ') || 'Admin');
  const payload = JSON.stringify({
    timestamp: formatTimestamp(state.now(), practice.offsetMinutes),
    user: {
      id: input.user?.id ?? practice.admin.id,
      email: input.user?.email ?? practice.admin.email,
      first_name: firstName,
      last_name: lastName,
      name: `${firstName} ${lastName}`,
      partner_roles: input.user?.partner_roles ?? ['admin'],
    },
    practice: { id: practice.id, name: practice.name },
    integration: { id: integration.id },
    access_token: key.token,
  });
  const poster = new WebhookPoster();
  try {
    const result = await poster.post(
      partner.handshakeUrl,
      payload,
      {
        'content-type': 'application/json',
        'x-hint-signature': sign(partner.webhookSecret, payload),
      },
      state.config.deliveryTimeoutMs,
    );
    const sessionKey = sessionKeyOf(result.responseText);
    const source = partner.surfaces[input.surface];
    const surface = source && sessionKey ? new URL(source) : undefined;
    surface?.searchParams.set('session_key', sessionKey ?? '');
    if (surface && input.patientId) surface.searchParams.set('patient_id', input.patientId);
    return {
      statusCode: result.statusCode,
      error: result.error,
      response: result.responseText,
      sessionKey,
      iframeUrl: surface?.toString() ?? null,
      surface: input.surface,
      interactionId: input.interactionId ?? null,
      payload: JSON.parse(payload) as unknown,
    };
  } finally {
    poster.close();
  }
}

function sessionKeyOf(text: string | null): string | null {
  try {
    const parsed = JSON.parse(text ?? '') as { session_key?: unknown };
    return typeof parsed.session_key === 'string' ? parsed.session_key : null;
  } catch {
    return null;
  }
}
