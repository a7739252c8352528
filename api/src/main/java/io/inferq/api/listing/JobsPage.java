package io.inferq.api.listing;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.inferq.api.jobs.JobResponse;

/**
 * One page of the caller's jobs, newest first.
 *
 * @param jobs the jobs of this page
 * @param nextPageToken where the next page starts, absent after the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobsPage(List<JobResponse> jobs, String nextPageToken) {

}
