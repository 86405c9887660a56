/**
 * Jinja chat templates rendered as transformers renders them with jinja2, on Jinjava:
 * {@link io.tunebook.data.jinja.HfJinja} sets the environment up (whitespace control, globals,
 * filters, Python string methods, jinja2's precedence of {@code not}).
 *
 * <p>Checked against jinja2 renderings of the Llama 3 and 3.1, Qwen2.5, Mistral-Instruct v0.1 and
 * v0.3 and ChatML templates and of two templates that exercise the constructs published templates
 * use ({@code src/test/resources/chat-templates}, made by
 * {@code src/test/fixtures-recipe/render_chat_templates.py}). Known differences left: booleans print
 * as {@code true}/{@code false} (jinja2: {@code True}/{@code False}), {@code loop.previtem} and
 * {@code loop.nextitem} are undefined, {@code \\u} escapes in string literals are refused, and
 * {@code 'ab' * 3} is an error.
 */
package io.tunebook.data.jinja;
