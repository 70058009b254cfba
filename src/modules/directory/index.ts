export { directoryRoutes } from './directory.routes.js';
export { seedDirectory } from './directory.seed.js';
export { listTransferContacts, currentAnnouncements, type TransferContact, type Announcement } from './directory.service.js';
export { AnnouncementsBox } from './directory.views.js';
