import type { OpenAI } from "openai"
import type { MessageClass } from "../messages/concrete-message"
import { messageJsonSchema } from "../messages/message-json-schema"
import type { CompletionRequest } from "./llm-client"

/**
 * The chat-completions body for `request`: its messages, and the response type's JSON schema as
 * strict structured output (`response_format.json_schema`).
 */
export function chatCompletionRequest(
  request: CompletionRequest,
  model: string,
  temperature: number,
): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  return {
    model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    temperature,
    response_format: {
      type: "json_schema",
      json_schema: {
        name: schemaName(request.responseType),
        schema: { ...messageJsonSchema(request.responseType) },
        strict: true,
      },
    },
  }
}

/** The `json_schema.name` for a class: letters, digits, `_` and `-`, at most 64 characters. */
function schemaName(type: MessageClass): string {
  const name = type.name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64)
  return name === "" ? "response" : name
}
