/**
 * What the apps ask of AWS, counted on the client side: requests by service, operation
 * and item kind, bytes sent, DynamoDB write units.
 */
package io.inferq.aws;
