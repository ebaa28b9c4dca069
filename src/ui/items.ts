/** The files (and generated volumes) the workbench holds, each with the role it plays. */
import type { Vec3, Volume } from '../core/volume';
import type { BidsSidecar } from '../io/bidsSidecar';
import type { NiftiFacts } from '../io/readNifti';
import type { Role } from './roles';

export interface LoadedItem {
  id: string;
  name: string;
  role: Role;
  origin: 'file' | 'example' | 'computed';
  volume?: Volume;
  facts?: NiftiFacts;
  sidecar?: BidsSidecar;
  /** B0 direction in voxel axes read from the header (scanner space assumed) */
  headerB0Dir?: Vec3;
  /** what reading the file assumed or repaired */
  warnings: string[];
  /** the echo this file holds, from its name (`_echo-N`) */
  echo?: number;
  /** every volume of a 4-D phase or magnitude file, one echo each (volume is the first) */
  echoes?: Volume[];
  /** made by the phase pipeline (its local field and mask): replaced when the pipeline runs again */
  fromPipeline?: boolean;
}

let counter = 0;
export function newItemId(): string {
  return `item${++counter}`;
}

export const firstWithRole = (items: LoadedItem[], role: Role) => items.find((i) => i.role === role && (role === 'sidecar' || i.volume));
export const allWithRole = (items: LoadedItem[], role: Role) => items.filter((i) => i.role === role && (role === 'sidecar' || i.volume));
