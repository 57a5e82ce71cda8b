package io.keyfair.registry.scope;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A row of `scopes`. Persistence only: the API speaks {@link ScopeView}. */
@Entity
@Table(name = "scopes")
public class ScopeEntity extends PanacheEntityBase {

    @Id
    @Column(name = "name")
    public String name;

    @Column(name = "description")
    public String description;

    @Column(name = "restricted")
    public boolean restricted;

    @Column(name = "created_at")
    public Instant createdAt;
}
