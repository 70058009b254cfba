import type { Config } from '../config.js';
import type { Database } from './db/index.js';
import type { FileStore } from './files/storage.js';
import type { Jobs } from './jobs/index.js';

/** What use cases need from the platform: the database, jobs, files and settings. */
export interface Ctx {
  db: Database;
  jobs: Jobs;
  files: FileStore;
  config: Config;
  /** The current time; tests replace it to prove time rules. */
  now(): Date;
}
