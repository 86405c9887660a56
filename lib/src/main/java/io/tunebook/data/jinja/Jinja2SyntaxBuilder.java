package io.tunebook.data.jinja;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import jinjava.de.odysseus.el.tree.impl.Parser;

/** Builds expression trees with {@link Jinja2Parser}; public because the EL factory instantiates it by name. */
public final class Jinja2SyntaxBuilder extends ExtendedSyntaxBuilder {
    private static final long serialVersionUID = 1L;

    public Jinja2SyntaxBuilder(Feature... features) {
        super(features);
    }

    @Override
    protected Parser createParser(String expression) {
        return new Jinja2Parser(this, expression);
    }
}
