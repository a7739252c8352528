/**
 * The job store port and its exceptions; adapters live in sub-packages.
 */
package io.inferq.store;
