// One file per OpenAPI tag.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { registerAttachDocumentRoutes } from './attach-documents.ts';
import { registerAvailabilityRoutes } from './availability.ts';
import { registerBookingRoutes } from './bookings.ts';
import { registerConfigurationRoutes } from './configuration.ts';
import { registerDocumentRoutes } from './documents.ts';
import { registerFeatureRoutes } from './features.ts';
import { registerRequestRoutes } from './requests.ts';
import { registerSubscriptionRoutes } from './subscriptions.ts';

export function registerApiRoutes(app: FastifyInstance, context: EmulatorContext): void {
  registerRequestRoutes(app, context);
  registerBookingRoutes(app, context);
  registerAvailabilityRoutes(app, context);
  registerConfigurationRoutes(app, context);
  registerFeatureRoutes(app, context);
  registerSubscriptionRoutes(app, context);
  registerDocumentRoutes(app, context);
  registerAttachDocumentRoutes(app, context);
}
