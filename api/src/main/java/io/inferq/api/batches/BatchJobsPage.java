package io.inferq.api.batches;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.inferq.api.jobs.JobResponse;

/**
 * One page of a batch's jobs, in the order of the batch's items.
 *
 * @param jobs the jobs of this page
 * @param nextPageToken where the next page starts, absent after the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record BatchJobsPage(List<JobResponse> jobs, String nextPageToken) {

}
