import { auditUsers, idElement, ownerReference, readOnly, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * One row of a flat file that did not load (Coupa's Upload Error, reference doc 0166): the row
 * number (the header is row 1), the row's first cell, the column at fault with its value, and
 * the messages. Owned by its data file source and rendered in its `upload-errors`.
 */
export const UPLOAD_ERRORS = defineResource({
  name: 'upload_errors',
  singular: 'upload-error',
  since: 11,
  elements: [
    idElement(),
    ...timestamps(),
    readOnly('field-errors', 'text', 'field_errors'),
    readOnly('field-with-error', 'string', 'field_with_error', { length: 255 }),
    readOnly('first-column', 'string', 'first_column', { length: 255 }),
    readOnly('row', 'integer', 'row'),
    readOnly('type', 'string', 'type', { length: 255 }),
    readOnly('value', 'string', 'value', { length: 255 }),
    ownerReference('data-file-source', 'data_file_sources', 'The load the row belonged to'),
    ...auditUsers(),
  ],
  key: 'id',
  simple: ['id', 'row', 'field-errors'],
});
