// Tag "configuration": resources, appointment types (snapshots replace) and the liveness contract.
import type { FastifyInstance } from 'fastify';
import { requestPractice } from '../auth.ts';
import {
  appointmentTypeSnapshotProblem,
  livenessProblem,
  replaceAppointmentTypes,
  replaceResources,
  resourceSnapshotProblem,
} from '../config-snapshots.ts';
import type { EmulatorContext } from '../context.ts';
import type { LivenessContract, PmsAppointmentType, PmsResource, Range } from '../state.ts';
import { badRequest, query } from './common.ts';

export function registerConfigurationRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.get('/config/pmsResources', async (request) => [...requestPractice(request).resources.values()]);
  app.get('/config/pmsResources/findById', async (request) => {
    const found = requestPractice(request).resources.get(query(request).id ?? '');
    return found ? [found] : [];
  });
  app.post('/config/pmsResources/snapshot', async (request, reply) => {
    const resources = request.body as PmsResource[];
    const problem = resourceSnapshotProblem(resources);
    if (problem) return badRequest(reply, problem);
    replaceResources(context.state, requestPractice(request), resources);
    return reply.code(200).send();
  });

  app.get('/config/pmsAppointmentTypes', async (request) => [...requestPractice(request).appointmentTypes.values()]);
  app.get('/config/pmsAppointmentTypes/findById', async (request) => {
    const found = requestPractice(request).appointmentTypes.get(query(request).id ?? '');
    return found ? [found] : [];
  });
  app.post('/config/pmsAppointmentTypes/snapshot', async (request, reply) => {
    const types = request.body as PmsAppointmentType[];
    const problem = appointmentTypeSnapshotProblem(types);
    if (problem) return badRequest(reply, problem);
    replaceAppointmentTypes(context.state, requestPractice(request), types);
    return reply.code(200).send();
  });

  app.get('/config/livenessContract', async (request) => requestPractice(request).liveness ?? {});
  app.post('/config/livenessContract', async (request, reply) => {
    const contract = request.body as LivenessContract;
    const problem = livenessProblem((contract.liveHours ?? {}) as Record<string, Range[] | undefined>);
    if (problem) return badRequest(reply, problem);
    requestPractice(request).liveness = contract;
    return reply.code(200).send();
  });
}
