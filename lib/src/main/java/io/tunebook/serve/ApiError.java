package io.tunebook.serve;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

/**
 * A request the server refuses, answered with OpenAI's error body
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String type;
    final String param;
    final String code;

    ApiError(int status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: a malformed body, a missing field, a value of the wrong type or out of range. */
    static ApiError invalid(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code);
    }

    JsonObject body() {
        JsonObject error = new JsonObject();
        error.addProperty("message", getMessage());
        error.addProperty("type", type);
        if (param == null) {
            error.add("param", JsonNull.INSTANCE);
        } else {
            error.addProperty("param", param);
        }
        if (code == null) {
            error.add("code", JsonNull.INSTANCE);
        } else {
            error.addProperty("code", code);
        }
        JsonObject o = new JsonObject();
        o.add("error", error);
        return o;
    }
}
