import type { Config } from '../config.js';
import type { Database } from './db/index.js';
import type { FileStore } from './files/storage.js';
import type { Jobs } from './jobs/index.js';
import type { Auth } from './auth/index.js';

/** What use cases need from the platform: the database, jobs, files and settings. */
export interface Ctx {
  db: Database;
  jobs: Jobs;
  files: FileStore;
  config: Config;
  /** Accounts and sessions (better-auth), called from our own routes only. */
  auth: Auth;
  /** The deployment's shared secret: signs form stamps and unsubscribe links. */
  secret: string;
  /** The current time; tests replace it to prove time rules. */
  now(): Date;
}
