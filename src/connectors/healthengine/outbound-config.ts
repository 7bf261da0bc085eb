// Configuration sent to Healthengine: the liveness contract, then the full resource snapshot,
// then the full appointment-type snapshot (a snapshot replaces the whole set: missing = deleted).
import type { HealthengineClient } from './client.ts';
import type { HealthengineSettings } from './settings.ts';
import type { PublishedConfig } from './outbound-data.ts';
import { toLivenessContract, toPmsAppointmentTypes, toPmsResources } from './mapping.ts';

export async function publishConfiguration(
  client: HealthengineClient,
  settings: HealthengineSettings,
  config: PublishedConfig,
): Promise<{ resources: number; appointmentTypes: number }> {
  await client.sendLiveness(toLivenessContract(settings.liveHours));
  const resources = toPmsResources(config.resources, config.practitioners);
  await client.sendResources(resources);
  const types = toPmsAppointmentTypes(config.types, config.resources);
  await client.sendAppointmentTypes(types);
  return { resources: resources.length, appointmentTypes: types.length };
}
