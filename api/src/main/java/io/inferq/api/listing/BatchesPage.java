package io.inferq.api.listing;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.inferq.api.batches.BatchResponse;

/**
 * One page of the caller's batches, newest first.
 *
 * @param batches the batches of this page
 * @param nextPageToken where the next page starts, absent after the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BatchesPage(List<BatchResponse> batches, String nextPageToken) {

}
