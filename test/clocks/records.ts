// Small, valid project records for the clock tests, built in code so each test shows the fields it varies.
import type { Circuit, Fault, Order, ProjectRecord } from '../../src/records/types.gen.ts';

const person = { name: '张工', org: '某市分公司网运部', level: 'local' as const };

export function makeRecord(parts: Partial<ProjectRecord> = {}): ProjectRecord {
  return {
    schemaVersion: 1,
    id: 'P-TEST',
    name: '测试项目',
    phase: 'in-sale',
    updatedAt: '2026-09-01T09:00:00+08:00',
    customer: { name: '某省政务服务中心', tier: 'city-gold', industry: '政务' },
    team: { customerManager: person, chiefCustomerEngineer: person },
    ...parts,
  };
}

export function makeCircuit(parts: Partial<Circuit> = {}): Circuit {
  return {
    id: 'C-1',
    aEnd: { site: 'A局' },
    zEnd: { site: 'B局' },
    bandwidth: '100M',
    requiredCompletion: '2026-10-16',
    progressReportsRequired: false,
    ...parts,
  };
}

export function makeOrder(parts: Partial<Order> = {}): Order {
  return {
    id: 'O-1',
    receivedAt: '2026-09-01T09:00:00+08:00',
    urgent: false,
    circuits: [makeCircuit()],
    ...parts,
  };
}

export function makeFault(parts: Partial<Fault> = {}): Fault {
  return {
    id: 'F-1',
    service: 'internet',
    fullOutage: true,
    startAt: '2026-11-20T10:00:00+08:00',
    affectedCustomers: [],
    ...parts,
  };
}

/** A record with one order. */
export function withOrder(order: Partial<Order>, record: Partial<ProjectRecord> = {}): ProjectRecord {
  return makeRecord({ ...record, orders: [makeOrder(order)] });
}
