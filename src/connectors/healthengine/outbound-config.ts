// Configuration sent to Healthengine: the liveness contract, then the full resource snapshot,
// then the full appointment-type snapshot (a snapshot replaces the whole set: missing = deleted).
import type { Queryable } from '../../db/pool.ts';
import type { HealthengineClient } from './client.ts';
import { forgetPublishedExcept } from './store.ts';
import type { HealthengineSettings } from './settings.ts';
import type { PublishedConfig } from './outbound-data.ts';
import { toLivenessContract, toPmsAppointmentTypes, toPmsResources } from './mapping.ts';

export async function publishConfiguration(
  db: Queryable,
  client: HealthengineClient,
  target: { connectionId: string; settings: HealthengineSettings },
  config: PublishedConfig,
): Promise<{ resources: number; appointmentTypes: number }> {
  await client.sendLiveness(toLivenessContract(target.settings.liveHours));
  const resources = toPmsResources(config.resources, config.practitioners);
  await client.sendResources(resources);
  // Resources left out are deleted at Healthengine with their availability: forget their days.
  await forgetPublishedExcept(
    db,
    target.connectionId,
    config.resources.map((r) => r.id),
  );
  const types = toPmsAppointmentTypes(config.types, config.resources);
  await client.sendAppointmentTypes(types);
  return { resources: resources.length, appointmentTypes: types.length };
}
