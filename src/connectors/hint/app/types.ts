// What the embedded app's API answers: the server builds these (panel.ts, routes.ts) and the
// framed page imports them as types only (src/web/hint-app), so the two cannot drift.
import type { Permission, TandemRole } from './roles.ts';

export type PanelStatus = 'linked' | 'errored' | 'under_review' | 'unsynced';

export interface PanelLink {
  system: string;
  connectionId: string;
  remoteId: string | null;
  status: string;
  errorMessage: string | null;
  lastSyncedAt: string | null;
}

export interface PanelBooking {
  id: string;
  start: string;
  end: string;
  status: string;
  source: string | null;
  healthengine: { status: string; errorMessage: string | null } | null;
}

interface PanelBase {
  hintPatientId: string;
  status: PanelStatus;
  reason: string;
}

export interface UnlinkedPanel extends PanelBase {
  reviewUrl: string | null;
  patient: null;
}

export interface LinkedPanel extends PanelBase {
  reviewUrl: null;
  patient: { id: string; firstName: unknown; lastName: unknown; dob: unknown; consoleUrl: string };
  links: PanelLink[];
  hint: Record<string, unknown>;
  bookings: { upcoming: PanelBooking[]; past: PanelBooking[] };
  timeline: { at: string; level: string; message: string }[];
}

export type Panel = UnlinkedPanel | LinkedPanel;

export interface InteractionView {
  interactionId: string;
  reason: string | null;
  appointment: {
    id: string;
    start: unknown;
    end: unknown;
    status: unknown;
    source: unknown;
    notes: unknown;
    consoleUrl: string;
    sync: { status: string; errorMessage: string | null };
  } | null;
  hintPatientId: string | null;
}

export interface SessionView {
  user: { name: string; partnerRoles: string[] };
  roles: TandemRole[];
  permissions: Permission[];
  expiresAt: string;
}

export interface AppSettingsView {
  connection: { status: string; consoleUrl: string };
  partnerInteractions: boolean;
}
