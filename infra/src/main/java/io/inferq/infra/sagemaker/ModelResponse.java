package io.inferq.infra.sagemaker;

/**
 * A model's successful answer.
 *
 * @param body the response body
 * @param contentType its media type
 */
record ModelResponse(byte[] body, String contentType) {

}
