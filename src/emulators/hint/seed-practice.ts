// A practice added at runtime (POST /_emulator/practices): not yet connected to any
// partner, so it can walk through InstantOn from the start.
import type { Practice } from './model.ts';
import { addPractice } from './seed.ts';
import type { HintState } from './state.ts';

export function createPractice(state: HintState, name: string): Practice {
  const practice = addPractice(state.data, state.random, name, state.now());
  const group = {
    id: state.id('prg'),
    practiceId: practice.id,
    createdAt: practice.createdAt,
    updatedAt: practice.createdAt,
    version: 1,
    name: `${name} Locations`,
  };
  state.data.locationGroups.set(group.id, group);
  const now = state.now();
  const location = {
    id: state.id('loc'),
    practiceId: practice.id,
    createdAt: now,
    updatedAt: now,
    version: 1,
    name: 'Main Clinic',
    address_line1: practice.address_line1,
    address_line2: null,
    address_city: practice.address_city,
    address_state: practice.address_state,
    address_zip: practice.address_zip,
    address_country: practice.address_country,
    address_latitude: null,
    address_longitude: null,
    phone_number: practice.phones[0]?.number ?? null,
    virtual: false,
    groupId: group.id,
  };
  state.data.locations.set(location.id, location);
  return practice;
}
