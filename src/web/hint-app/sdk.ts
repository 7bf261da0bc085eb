// Hint's JS SDK (loaded by a <script> Tandem adds to the page): who is looking, at which
// patient, and in which interaction. Outside Hint (no SDK), everything is null.
import { useEffect, useState } from 'react';

export interface HintPatientRef {
  id: string;
  name: string;
}

interface HintSdk {
  user: { id: string; name: string; email: string; partner_roles: string[] } | null;
  currentPatient: HintPatientRef | null;
  interaction: { id: string } | null;
  init(cb: (sdk: HintSdk) => void): void;
  onCurrentPatientChanged(cb: (patient: HintPatientRef | null) => void): void;
}

declare global {
  interface Window {
    HintSDK?: HintSdk;
  }
}

export interface HintContext {
  ready: boolean;
  available: boolean;
  patient: HintPatientRef | null;
  interaction: { id: string } | null;
}

/** The SDK's current patient, followed as the user moves between charts in Hint. */
export function useHintContext(): HintContext {
  const [context, setContext] = useState<HintContext>({
    ready: false,
    available: Boolean(window.HintSDK),
    patient: null,
    interaction: null,
  });
  useEffect(() => {
    const sdk = window.HintSDK;
    if (!sdk) {
      setContext({ ready: true, available: false, patient: null, interaction: null });
      return;
    }
    sdk.init((s) =>
      setContext({ ready: true, available: true, patient: s.currentPatient, interaction: s.interaction }),
    );
    sdk.onCurrentPatientChanged((patient) => setContext((c) => ({ ...c, patient })));
  }, []);
  return context;
}
