/**
 * Payloads too large for the job record: the payload store port, its exceptions, and the
 * claim check that keeps large inputs and outputs out of the job store. Adapters live in
 * sub-packages.
 */
package io.inferq.payload;
