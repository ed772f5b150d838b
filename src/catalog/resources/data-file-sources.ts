import { auditUsers, children, idElement, readOnly, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * The statuses of a load, as Coupa's Data File Sources page lists them (docs/flat-files.md):
 * Roster sets `Pending` (waiting for the loader), `Loading`, `Done` and `Failed`; the others
 * Coupa shows for its own retry and pause controls.
 */
export const DATA_FILE_STATUSES = ['Pending', 'Loading', 'Done', 'Failed', 'Retrying', 'Paused', 'Stopped'] as const;
export type DataFileStatus = (typeof DATA_FILE_STATUSES)[number];

/**
 * One flat file Coupa loaded or will load (Coupa's Data File Sources API, reference doc 0166):
 * a CSV put in `/Incoming/Users` over SFTP or posted to `/api/data_file_sources/load_file`, its
 * status, its counts and, as owned rows, the errors of the rows that did not load. Every
 * element is Api_Out only: the loader (domain/loads/) writes them, a client only reads.
 */
export const DATA_FILE_SOURCES = defineResource({
  name: 'data_file_sources',
  singular: 'data-file-source',
  since: 11,
  elements: [
    idElement(),
    ...timestamps(),
    readOnly('end-time', 'datetime', 'end_time'),
    readOnly('file-content-type', 'string', 'file_content_type', { length: 255 }),
    readOnly('file-file-name', 'string', 'file_file_name', { length: 255, indexed: true }),
    // Coupa types the size string(255); it renders the byte count.
    readOnly('file-file-size', 'string', 'file_file_size', { length: 255 }),
    readOnly('integration-id', 'integer', 'Unique identifier for integration'),
    readOnly('integration-run-id', 'integer', 'Unique identifier for integration run'),
    readOnly('progress', 'integer', 'Rows of the file handled so far', { default: 0 }),
    readOnly('records-count', 'integer', 'number of records in the CSV (grouping of related header + lines)', { default: 0 }),
    readOnly('records-created', 'integer', 'number of records created', { default: 0 }),
    readOnly('records-updated', 'integer', 'number of records updated', { default: 0 }),
    readOnly('result-text', 'text', 'result_text'),
    readOnly('source-for', 'string', 'The object the file loads (User)', { length: 50, indexed: true }),
    readOnly('start-time', 'datetime', 'start_time'),
    readOnly('status', 'string', 'transaction status', { length: 50, allowed: DATA_FILE_STATUSES, indexed: true }),
    readOnly('type', 'string', 'type', { length: 50 }),
    { ...children('upload-errors', 'upload_errors', 'data-file-source', 'upload_errors'), in: false },
    readOnly('upload-errors-count', 'integer', 'number of upload errors', { default: 0 }),
    ...auditUsers(),
  ],
  key: 'id',
  simple: ['id', 'file-file-name', 'status'],
  api: {
    path: '/api/data_file_sources',
    operations: ['index', 'show'],
    // Coupa's scope list names no data-file-source scope; its loads are integrations (docs/flat-files.md).
    scopes: { read: 'core.integration.read', write: 'core.integration.write' },
    extraRoutes: [
      { method: 'POST', path: '/load_file', access: 'write', status: 201 },
      { method: 'POST', path: '/load_from_sftp', access: 'write' },
      { method: 'GET', path: '/validate_api_key', access: 'read' },
    ],
  },
});
