// Placeholder until the hint emulator lands (being built now); replaced wholesale.
import type { StartEmulator } from '../shared/types.ts';

export const startEmulator: StartEmulator = async () => {
  throw new Error('the hint emulator is not built yet');
};
