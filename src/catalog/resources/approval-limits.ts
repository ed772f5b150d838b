import { auditUsers, idElement, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * Approval limits, as a user's approval-limit elements name them: by id, by name, or as
 * amount and currency ("1000.00 USD"), which finds the limit of that amount or creates it.
 * Coupa's public docs list no approval-limits API, so none is served.
 */
export const APPROVAL_LIMITS = defineResource({
  name: 'approval_limits',
  singular: 'approval-limit',
  elements: [
    idElement(),
    ...timestamps(3),
    scalar('name', 'string', 'Name', { length: 255, required: true, unique: true }),
    scalar('amount', 'decimal', 'Amount'),
    scalar('subject', 'string', 'Subject', { length: 255 }),
    reference('currency', 'currencies', 'Currency'),
    ...auditUsers(3),
  ],
  key: 'name',
  simple: ['id', 'name', 'amount', 'subject', 'currency'],
  cached: true,
  findOrCreateBy: ['amount', 'currency'],
  // Users Import: "The amount and currency code of the approval limit in the form 1000.00 USD.
  // May also be the name of an already created approval limit or position."
  fromCell: (cell) => {
    const match = /^(\d+(?:\.\d+)?)\s+([A-Za-z]{3})$/.exec(cell);
    return match ? { amount: match[1], currency: match[2]?.toUpperCase() } : cell;
  },
});
