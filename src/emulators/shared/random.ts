// Seeded randomness for the emulators (re-exported so an emulator needs nothing outside
// src/emulators): mulberry32, the generator src/core/random.ts defines for the whole project.
export { seededRandom as mulberry32, type Random } from '../../core/random.ts';
