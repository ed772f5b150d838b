import { idElement, ownerReference, reference, scalar, timestamps } from '../elements.js';
import { defineResource } from '../resource.js';

/**
 * A skill of a worker (Worker::WorkerSkill), owned by the worker: the `skill` (reference data,
 * by name) and the years of experience in it. Coupa's public docs give no element list (seed
 * 004's sample has `[]`); this is Roster's model, documented in docs/workers-api.md.
 */
export const WORKER_SKILLS = defineResource({
  name: 'worker_skills',
  singular: 'worker-skill',
  model: 'Worker::WorkerSkill',
  since: 7,
  elements: [
    idElement(),
    ...timestamps(),
    reference('skill', 'skills', 'The skill', { required: true }),
    scalar('years-of-experience', 'decimal', 'Years of experience in the skill', { minimum: 0 }),
    ownerReference('worker', 'workers', 'The worker who has the skill'),
  ],
  key: 'id',
  simple: ['id', 'skill', 'years-of-experience'],
});
