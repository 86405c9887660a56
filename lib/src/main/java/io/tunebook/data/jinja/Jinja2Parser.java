package io.tunebook.data.jinja;

import com.hubspot.jinjava.el.ext.ExtendedParser;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression parser with jinja2's precedence for {@code not}: below comparisons and
 * membership, above {@code and}. Jinjava parses {@code not} as a tight unary operator, so
 * {@code not message.tool_calls|length == 1} (Llama 3.1) or {@code not 'x' in message} would
 * negate the left operand instead of the comparison.
 */
final class Jinja2Parser extends ExtendedParser {
    Jinja2Parser(Builder context, String input) {
        super(context, input);
    }

    @Override
    protected AstNode and(boolean required) throws Scanner.ScanException, ParseException {
        AstNode v = not(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Scanner.Token token = getToken();
            if (token.getSymbol() == Scanner.Symbol.AND) {
                consumeToken();
                v = createAstBinary(v, not(true), AstBinary.AND);
            } else if (token.getSymbol() == Scanner.Symbol.EXTENSION
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.AND) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, not(true));
            } else {
                return v;
            }
        }
    }

    private AstNode not(boolean required) throws Scanner.ScanException, ParseException {
        if (getToken().getSymbol() == Scanner.Symbol.NOT) {
            consumeToken();
            return createAstUnary(not(true), AstUnary.NOT);
        }
        return eq(required);
    }
}
